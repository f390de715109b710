"""The whole AWS referral -> accept workflow with boto3 against partnercentral-local; prints one JSON object.

Usage: python3 test/py/workflow.py <endpoint>
Acts as account 111111111111 in the Sandbox catalog. test/python-workflow.test.ts asserts on the output; this
script only records what boto3 returned (a boto3 exception that is not expected below fails the script).
"""
import json
import sys
from datetime import datetime, timezone

import boto3
from botocore.config import Config

CATALOG = "Sandbox"


def to_json(value):
    """Timestamps botocore parsed into datetimes, as UTC ISO strings."""
    if isinstance(value, datetime):
        return value.astimezone(timezone.utc).isoformat()
    raise TypeError(f"not JSON serializable: {value!r}")


def strip(response):
    """The response without botocore's ResponseMetadata."""
    return {k: v for k, v in response.items() if k != "ResponseMetadata"}


def error_of(err):
    return {
        "class": type(err).__name__,
        "code": err.response["Error"]["Code"],
        "message": err.response["Error"].get("Message"),
        "status": err.response["ResponseMetadata"]["HTTPStatusCode"],
    }


def opportunity_body(title):
    return {
        "Catalog": CATALOG,
        "Origin": "AWS Referral",
        "Customer": {"Account": {"CompanyName": "Boto Corp", "Industry": "Automotive", "Address": {"CountryCode": "DE"}}},
        "Project": {"Title": title, "CustomerBusinessProblem": "The customer wants its CRM to co-sell with AWS."},
        "LifeCycle": {"Stage": "Prospect", "TargetCloseDate": "2030-09-30"},
    }


def main():
    endpoint = sys.argv[1]
    client = boto3.client(
        "partnercentral-selling",
        endpoint_url=endpoint,
        region_name="us-east-1",
        aws_access_key_id="111111111111",
        aws_secret_access_key="x",
        config=Config(retries={"max_attempts": 1, "mode": "standard"}),
    )
    out = {}

    # 1. A simulated AWS referral. No ClientToken: boto3 fills one in (idempotencyToken trait).
    created = client.create_opportunity(**opportunity_body("Boto referral"))
    opportunity_id = created["Id"]
    out["createOpportunity"] = strip(created)
    try:
        client.get_opportunity(Catalog=CATALOG, Identifier=opportunity_id)
        out["hiddenBeforeAccept"] = None
    except client.exceptions.ResourceNotFoundException as err:
        out["hiddenBeforeAccept"] = error_of(err)

    # 2. The invitation AWS sent.
    listed = client.list_engagement_invitations(Catalog=CATALOG, ParticipantType="RECEIVER")
    out["listEngagementInvitations"] = strip(listed)
    invitation_id = listed["EngagementInvitationSummaries"][0]["Id"]
    invitation = client.get_engagement_invitation(Catalog=CATALOG, Identifier=invitation_id)
    out["getEngagementInvitation"] = strip(invitation)

    # 3. Accept it; the same token again answers the same task.
    start = {"Catalog": CATALOG, "ClientToken": "boto-accept-1", "Identifier": invitation_id}
    task = client.start_engagement_by_accepting_invitation_task(**start)
    out["startTask"] = strip(task)
    out["startTaskReplay"] = strip(client.start_engagement_by_accepting_invitation_task(**start))
    out["listTasks"] = strip(client.list_engagement_by_accepting_invitation_tasks(Catalog=CATALOG))

    # 4. What the accept produced.
    out["getOpportunity"] = strip(client.get_opportunity(Catalog=CATALOG, Identifier=task["OpportunityId"]))
    engagement_id = invitation["EngagementId"]
    out["getEngagement"] = strip(client.get_engagement(Catalog=CATALOG, Identifier=engagement_id))
    out["listEngagementMembers"] = strip(client.list_engagement_members(Catalog=CATALOG, Identifier=engagement_id))
    out["getResourceSnapshotJob"] = strip(
        client.get_resource_snapshot_job(Catalog=CATALOG, ResourceSnapshotJobIdentifier=task["ResourceSnapshotJobId"])
    )
    out["getResourceSnapshot"] = strip(
        client.get_resource_snapshot(
            Catalog=CATALOG,
            EngagementIdentifier=engagement_id,
            ResourceType="Opportunity",
            ResourceIdentifier=task["OpportunityId"],
            ResourceSnapshotTemplateIdentifier="OpportunitySummaryView",
        )
    )

    # 5. Two more referrals (auto-filled tokens differ, so these are two new opportunities), then a paginator
    #    with PageSize 1 over the three invitations.
    second = client.create_opportunity(**opportunity_body("Boto referral 2"))
    third = client.create_opportunity(**opportunity_body("Boto referral 3"))
    out["autoTokenIds"] = [opportunity_id, second["Id"], third["Id"]]
    paginator = client.get_paginator("list_engagement_invitations")
    pages = []
    for page in paginator.paginate(Catalog=CATALOG, ParticipantType="RECEIVER", PaginationConfig={"PageSize": 1}):
        pages.append(
            {
                "ids": [s["Id"] for s in page["EngagementInvitationSummaries"]],
                "statuses": [s["Status"] for s in page["EngagementInvitationSummaries"]],
                "hasNextToken": "NextToken" in page,
            }
        )
    out["paginatorPages"] = pages

    # 6. Modeled errors surface as the client's exception classes.
    try:
        client.get_opportunity(Catalog=CATALOG, Identifier="O9999999")
        out["notFound"] = None
    except client.exceptions.ResourceNotFoundException as err:
        out["notFound"] = error_of(err)
    body = dict(opportunity_body("Token reuse"), Origin="Partner Referral", ClientToken="boto-conflict-1")
    out["conflictFirst"] = strip(client.create_opportunity(**body))
    out["conflictSameBody"] = strip(client.create_opportunity(**body))
    try:
        client.create_opportunity(**dict(body, Project=dict(body["Project"], Title="A different title")))
        out["conflict"] = None
    except client.exceptions.ConflictException as err:
        out["conflict"] = error_of(err)
    # A second accept with another token is a FAILED task, not an error and not a second opportunity.
    out["acceptAgain"] = strip(
        client.start_engagement_by_accepting_invitation_task(Catalog=CATALOG, ClientToken="boto-accept-2", Identifier=invitation_id)
    )
    try:
        client.start_engagement_by_accepting_invitation_task(Catalog=CATALOG, ClientToken="boto-accept-3", Identifier="engi-0000000000000")
        out["acceptUnknown"] = None
    except client.exceptions.ResourceNotFoundException as err:
        out["acceptUnknown"] = error_of(err)
    out["opportunitiesAfter"] = [
        o["Id"] for page in client.get_paginator("list_opportunities").paginate(Catalog=CATALOG) for o in page["OpportunitySummaries"]
    ]

    print(json.dumps(out, default=to_json))


if __name__ == "__main__":
    main()
