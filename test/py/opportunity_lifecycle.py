"""A partner-originated opportunity from creation to Launched with boto3, shared with a second partner.

Usage: python3 test/py/opportunity_lifecycle.py <endpoint>
Partner A (222222222222) creates, associates, submits with StartEngagementFromOpportunityTask, is sent back by
AWS's review (Sandbox simulation: UpdateOpportunity with LifeCycle.ReviewStatus), fixes and resubmits with
SubmitOpportunity, is approved, gets AWS's side through the control plane and is advanced to Launched. It invites
partner B (333333333333), who accepts with the task and reads the sender's shared view. Prints one JSON object;
test/python-families.test.ts asserts on it.
"""
import sys

from pcl import client, control_ok, emit, expect_error, pages, strip

CATALOG = "Sandbox"
A = "222222222222"
B = "333333333333"
SOLUTION = "S-1234567"
OFFER = "arn:aws:aws-marketplace:us-east-1:123456789012:AWSMarketplace/Offer/offer-abcdefghijklm"


def complete_opportunity(token):
    """Everything submission needs (behavior.md §3.4) except a solution."""
    return {
        "Catalog": CATALOG,
        "ClientToken": token,
        "Origin": "Partner Referral",
        "PrimaryNeedsFromAws": ["Co-Sell - Architectural Validation"],
        "Customer": {
            "Account": {
                "CompanyName": "Boto Lifecycle Corp",
                "Industry": "Financial Services",
                "WebsiteUrl": "https://lifecycle.example.com",
                "Address": {"City": "Seattle", "PostalCode": "98109", "StateOrRegion": "Washington", "CountryCode": "US"},
            },
            "Contacts": [{"Email": "cto@lifecycle.example.com", "FirstName": "Lee", "LastName": "Cycle", "BusinessTitle": "CTO"}],
        },
        "Project": {
            "Title": "Boto lifecycle deal",
            "CustomerBusinessProblem": "The customer must move its trading analytics to the cloud this year.",
            "CustomerUseCase": "Migration / Database Migration",
            "DeliveryModels": ["SaaS or PaaS"],
            "SalesActivities": ["Initialized discussions with customer"],
            "ExpectedCustomerSpend": [{"Amount": "25000", "CurrencyCode": "USD", "Frequency": "Monthly", "TargetCompany": "AWS"}],
        },
        "LifeCycle": {"Stage": "Qualified", "TargetCloseDate": "2029-10-05", "NextSteps": "Architecture review."},
        "Marketing": {"Source": "None"},
    }


def as_update(pc, got, life_cycle_changes, **changes):
    """The UpdateOpportunity input that sends back what GetOpportunity answered (only members the input has)."""
    members = pc.meta.service_model.operation_model("UpdateOpportunity").input_shape.members
    body = {k: v for k, v in strip(got).items() if k in members}
    body["Identifier"] = got["Id"]
    body["LifeCycle"] = {**got["LifeCycle"], **life_cycle_changes}
    body["LifeCycle"].pop("NextStepsHistory", None)
    return {**body, **changes}


def main():
    endpoint = sys.argv[1]
    a, b = client(endpoint, A), client(endpoint, B)
    out = {}
    get = lambda pc, oid: pc.get_opportunity(Catalog=CATALOG, Identifier=oid)  # noqa: E731

    created = a.create_opportunity(**complete_opportunity("boto-life-1"))
    oid = created["Id"]
    out["create"] = strip(created)
    out["createReplay"] = strip(a.create_opportunity(**complete_opportunity("boto-life-1")))

    # Submission refuses an opportunity without a solution, naming the rule.
    out["submitWithoutSolution"] = expect_error(a, "submit_opportunity", Catalog=CATALOG, Identifier=oid, InvolvementType="Co-Sell")
    out["summaryBeforeSubmission"] = expect_error(a, "get_aws_opportunity_summary", Catalog=CATALOG, RelatedOpportunityIdentifier=oid)

    # Associations: a solution, an AWS product and a Marketplace offer; the offer removed again.
    for entity_type, entity in [("Solutions", SOLUTION), ("AwsProducts", "AmazonEC2Linux"), ("AwsMarketplaceOffers", OFFER)]:
        a.associate_opportunity(Catalog=CATALOG, OpportunityIdentifier=oid, RelatedEntityType=entity_type, RelatedEntityIdentifier=entity)
    out["associated"] = get(a, oid)["RelatedEntityIdentifiers"]
    a.disassociate_opportunity(Catalog=CATALOG, OpportunityIdentifier=oid, RelatedEntityType="AwsMarketplaceOffers", RelatedEntityIdentifier=OFFER)
    out["afterDisassociate"] = get(a, oid)["RelatedEntityIdentifiers"]
    out["disassociateAbsent"] = expect_error(
        a, "disassociate_opportunity", Catalog=CATALOG, OpportunityIdentifier=oid, RelatedEntityType="AwsMarketplaceOffers", RelatedEntityIdentifier=OFFER
    )

    # A's running snapshot job writes revisions only with a job role (behavior.md §4.5).
    a.put_selling_system_settings(Catalog=CATALOG, ResourceSnapshotJobRoleIdentifier="SnapshotJobRole")

    # Submission with the task: engagement, snapshot, running job, invitation to AWS, Submitted.
    start = {"Catalog": CATALOG, "ClientToken": "boto-life-submit", "Identifier": oid, "AwsSubmission": {"InvolvementType": "Co-Sell", "Visibility": "Full"}}
    task = a.start_engagement_from_opportunity_task(**start)
    out["task"] = strip(task)
    out["taskReplay"] = strip(a.start_engagement_from_opportunity_task(**start))
    out["taskList"] = strip(a.list_engagement_from_opportunity_tasks(Catalog=CATALOG, OpportunityIdentifier=[oid]))
    out["taskListOtherAccount"] = strip(b.list_engagement_from_opportunity_tasks(Catalog=CATALOG))
    out["submitted"] = get(a, oid)["LifeCycle"]
    engagement_id = task["EngagementId"]

    # AWS's review sends it back; the partner fixes it (still Action Required) and resubmits.
    out["actionRequired"] = strip(a.update_opportunity(**as_update(a, get(a, oid), {"ReviewStatus": "Action Required", "ReviewComments": "The business problem needs more detail."})))
    out["actionRequiredLifeCycle"] = get(a, oid)["LifeCycle"]
    # Action Required leaves only a few fields editable (behavior.md §3.3): the business problem is one of them.
    fixed = get(a, oid)
    problem = "The customer must move its trading analytics to the cloud this year, starting with the risk models."
    a.update_opportunity(**as_update(a, fixed, {}, Project={**fixed["Project"], "CustomerBusinessProblem": problem}))
    out["lockedInActionRequired"] = expect_error(a, "update_opportunity", **as_update(a, get(a, oid), {"NextSteps": "Something else."}))
    fixed = get(a, oid)
    out["fixed"] = {"LifeCycle": fixed["LifeCycle"], "CustomerBusinessProblem": fixed["Project"]["CustomerBusinessProblem"]}
    out["resubmit"] = strip(a.submit_opportunity(Catalog=CATALOG, Identifier=oid, InvolvementType="Co-Sell", Visibility="Full"))
    out["resubmittedLifeCycle"] = get(a, oid)["LifeCycle"]
    out["submitTwice"] = expect_error(a, "submit_opportunity", Catalog=CATALOG, Identifier=oid, InvolvementType="Co-Sell")

    # Approval: AWS accepts the invitation it was sent and joins the engagement.
    a.update_opportunity(**as_update(a, get(a, oid), {"ReviewStatus": "Approved"}))
    out["approvedLifeCycle"] = get(a, oid)["LifeCycle"]
    out["membersAfterApproval"] = strip(a.list_engagement_members(Catalog=CATALOG, Identifier=engagement_id))
    out["invitationToAws"] = strip(a.get_engagement_invitation(Catalog=CATALOG, Identifier=task["EngagementInvitationId"]))

    # AWS's side, set through the control plane, read with GetAwsOpportunitySummary.
    control_ok(
        endpoint,
        "POST",
        "aws-opportunity-data",
        {
            "accountId": A,
            "catalog": CATALOG,
            "opportunityId": oid,
            "stage": "Qualify",
            "team": [{"BusinessTitle": "PDM", "Email": "pdm@aws.example.com", "FirstName": "Pat", "LastName": "Manager"}],
            "insights": {"EngagementScore": "High", "NextBestActions": "Book a workshop."},
        },
    )
    out["awsSummary"] = strip(a.get_aws_opportunity_summary(Catalog=CATALOG, RelatedOpportunityIdentifier=oid))

    # A new owner, then Launched.
    a.assign_opportunity(
        Catalog=CATALOG,
        Identifier=oid,
        Assignee={"Email": "new.owner@partner.example.com", "FirstName": "Nia", "LastName": "Owner", "BusinessTitle": "PartnerAccountManager"},
    )
    out["teamAfterAssign"] = get(a, oid)["OpportunityTeam"]
    launched = as_update(a, get(a, oid), {"Stage": "Launched"})
    a.update_opportunity(**launched)
    out["launchedLifeCycle"] = get(a, oid)["LifeCycle"]

    # Partner B: invited into A's engagement with an opportunity payload, accepts with the task.
    invitation = a.create_engagement_invitation(
        Catalog=CATALOG,
        ClientToken="boto-life-invite",
        EngagementIdentifier=engagement_id,
        Invitation={
            "Message": "Join us on this deal.",
            "Receiver": {"Account": {"AwsAccountId": B}},
            "Payload": {
                "OpportunityInvitation": {
                    "SenderContacts": [{"Email": "ana@partner-a.example.com", "FirstName": "Ana", "LastName": "Sender", "BusinessTitle": "Alliance Manager"}],
                    "ReceiverResponsibilities": ["Services Partner"],
                    "Customer": {"CompanyName": "Boto Lifecycle Corp", "CountryCode": "US", "Industry": "Financial Services", "WebsiteUrl": "https://lifecycle.example.com"},
                    "Project": {
                        "Title": "Boto lifecycle deal",
                        "BusinessProblem": "The customer must move its trading analytics to the cloud this year.",
                        "TargetCompletionDate": "2029-10-05",
                        "ExpectedCustomerSpend": [{"Amount": "25000", "CurrencyCode": "USD", "Frequency": "Monthly", "TargetCompany": "AWS"}],
                    },
                }
            },
        },
    )
    out["invitation"] = strip(invitation)
    out["bReceived"] = strip(b.list_engagement_invitations(Catalog=CATALOG, ParticipantType="RECEIVER"))
    out["aSent"] = strip(a.list_engagement_invitations(Catalog=CATALOG, ParticipantType="SENDER"))
    out["bOpportunityOfA"] = expect_error(b, "get_opportunity", Catalog=CATALOG, Identifier=oid)
    accepted = b.start_engagement_by_accepting_invitation_task(Catalog=CATALOG, ClientToken="boto-life-accept", Identifier=invitation["Id"])
    out["accepted"] = strip(accepted)
    out["bOpportunity"] = strip(get(b, accepted["OpportunityId"]))
    out["bAwsSummary"] = strip(b.get_aws_opportunity_summary(Catalog=CATALOG, RelatedOpportunityIdentifier=accepted["OpportunityId"]))
    out["bSnapshotOfA"] = strip(
        b.get_resource_snapshot(
            Catalog=CATALOG,
            EngagementIdentifier=engagement_id,
            ResourceType="Opportunity",
            ResourceIdentifier=oid,
            ResourceSnapshotTemplateIdentifier="OpportunitySummaryView",
        )
    )
    out["members"] = pages(b, "list_engagement_members", "EngagementMemberList", 2, Catalog=CATALOG, Identifier=engagement_id)
    # The two task lists' paginators (one task each here).
    out["submitTaskPages"] = pages(a, "list_engagement_from_opportunity_tasks", "TaskSummaries", 1, Catalog=CATALOG, EngagementIdentifier=[engagement_id])
    out["acceptTaskPages"] = pages(b, "list_engagement_by_accepting_invitation_tasks", "TaskSummaries", 1, Catalog=CATALOG)
    emit(out)


if __name__ == "__main__":
    main()
