"""Engagements, contexts, a lead invitation between two partners and the lead's conversion, with boto3.

Usage: python3 test/py/engagements_leads.py <endpoint>
Partner A (444444444444) creates an engagement with a CustomerProject context, adds and updates a Lead context
and invites partner B (555555555555) with a LeadInvitation. B accepts with AcceptEngagementInvitation, converts
the lead with StartOpportunityFromEngagementTask and submits the opportunity in the lead's engagement. Prints one
JSON object; test/python-families.test.ts asserts on it.
"""
import sys

from pcl import client, emit, expect_error, pages, strip

CATALOG = "Sandbox"
A = "444444444444"
B = "555555555555"

CONTACT = {"BusinessTitle": "CTO", "Email": "cto@motors.example.com", "FirstName": "Ada", "LastName": "Lovelace"}


def lead(qualification, problem):
    """A Lead context payload as botocore's model of it requires it (an address, a source id, a customer action)."""
    return {
        "QualificationStatus": qualification,
        "Customer": {
            "CompanyName": "Example Motors",
            "Industry": "Automotive",
            "WebsiteUrl": "https://motors.example.com",
            "Address": {"CountryCode": "DE", "City": "Berlin"},
        },
        "Interaction": {
            "SourceType": "Event",
            "SourceId": "summit-2026",
            "SourceName": "Summit",
            "CustomerAction": "Visited the booth",
            "BusinessProblem": "The customer needs to modernise its parts catalogue search.",
            "Contact": CONTACT,
        },
    }


def customer_project(title):
    return {"CustomerProject": {"Customer": {"CompanyName": "Example Motors", "CountryCode": "DE", "Industry": "Automotive", "WebsiteUrl": "https://motors.example.com"},
                                "Project": {"Title": title, "BusinessProblem": "The customer needs to modernise its parts catalogue search.", "TargetCompletionDate": "2030-06-30"}}}


def main():
    endpoint = sys.argv[1]
    a, b = client(endpoint, A), client(endpoint, B)
    out = {}

    # No context yet: a CustomerProject context would mean the lead was converted already (behavior.md §1.3).
    create = {"Catalog": CATALOG, "ClientToken": "boto-eng-1", "Title": "Example Motors search", "Description": "Parts catalogue search."}
    engagement = a.create_engagement(**create)
    eid = engagement["Id"]
    out["create"] = strip(engagement)
    out["createReplay"] = strip(a.create_engagement(**create))

    lead_payload = lead("Qualified", "The customer needs to modernise its parts catalogue search.")
    lead_payload = {"Lead": {"QualificationStatus": "Qualified", "Customer": lead_payload["Customer"], "Interactions": [lead_payload["Interaction"]]}}
    out["createContext"] = strip(a.create_engagement_context(Catalog=CATALOG, ClientToken="boto-ctx-1", EngagementIdentifier=eid, Type="Lead", Payload=lead_payload))
    out["nonMemberContext"] = expect_error(b, "create_engagement_context", Catalog=CATALOG, ClientToken="boto-ctx-b", EngagementIdentifier=eid, Type="Lead", Payload=lead_payload)

    # UpdateEngagementContext: optimistic concurrency on the engagement's ModifiedAt, as botocore parsed it.
    got = a.get_engagement(Catalog=CATALOG, Identifier=eid)
    out["getEngagement"] = strip(got)
    update = {"Catalog": CATALOG, "EngagementIdentifier": eid, "ContextIdentifier": out["createContext"]["ContextId"], "Type": "Lead",
              "Payload": {"Lead": lead("Qualified", "The customer also wants recommendations in the parts shop.")}}
    out["updateContext"] = strip(a.update_engagement_context(EngagementLastModifiedAt=got["ModifiedAt"], **update))
    out["updateStale"] = expect_error(a, "update_engagement_context", EngagementLastModifiedAt=got["ModifiedAt"], **update)
    out["leadAfterUpdate"] = [c for c in a.get_engagement(Catalog=CATALOG, Identifier=eid)["Contexts"] if c["Type"] == "Lead"]

    # A lead invitation from A to B; B accepts it without a task.
    invitation = a.create_engagement_invitation(
        Catalog=CATALOG,
        ClientToken="boto-lead-invite",
        EngagementIdentifier=eid,
        Invitation={
            "Message": "A lead for you.",
            "Receiver": {"Account": {"AwsAccountId": B}},
            "Payload": {
                "LeadInvitation": {
                    "Customer": {"CompanyName": "Example Motors", "CountryCode": "DE", "Industry": "Automotive", "WebsiteUrl": "https://motors.example.com", "AwsMaturity": "Born in the cloud", "MarketSegment": "Enterprise"},
                    "Interaction": {"SourceType": "Event", "SourceId": "summit-2026", "SourceName": "Summit", "ContactBusinessTitle": "CTO", "Usecase": "Search"},
                }
            },
        },
    )
    out["invitation"] = strip(invitation)
    out["inviteSelf"] = expect_error(  # inviting yourself is a business rule
        a, "create_engagement_invitation", Catalog=CATALOG, ClientToken="boto-lead-invite-self", EngagementIdentifier=eid,
        Invitation={"Message": "Me again.", "Receiver": {"Account": {"AwsAccountId": A}}, "Payload": {"LeadInvitation": {"Customer": {"CompanyName": "X", "CountryCode": "DE", "Industry": "Automotive", "AwsMaturity": "Born in the cloud", "MarketSegment": "Enterprise"}, "Interaction": {"SourceType": "Event", "SourceId": "s", "SourceName": "Summit", "ContactBusinessTitle": "CTO"}}}},
    )
    out["bInvitation"] = strip(b.get_engagement_invitation(Catalog=CATALOG, Identifier=invitation["Id"]))
    out["bReceived"] = strip(b.list_engagement_invitations(Catalog=CATALOG, ParticipantType="RECEIVER", PayloadType=["LeadInvitation"]))
    out["bEngagementsBefore"] = strip(b.list_engagements(Catalog=CATALOG))
    out["accept"] = strip(b.accept_engagement_invitation(Catalog=CATALOG, Identifier=invitation["Arn"]))
    out["acceptAgain"] = expect_error(b, "accept_engagement_invitation", Catalog=CATALOG, Identifier=invitation["Id"])
    out["invitationAfter"] = a.get_engagement_invitation(Catalog=CATALOG, Identifier=invitation["Id"])["Status"]
    out["members"] = pages(b, "list_engagement_members", "EngagementMemberList", 1, Catalog=CATALOG, Identifier=eid)
    out["bEngagements"] = pages(b, "list_engagements", "EngagementSummaryList", 1, Catalog=CATALOG, ContextTypes=["Lead"])

    # B converts the lead: an opportunity with AWS's defaults and a CustomerProject context.
    convert = {"Catalog": CATALOG, "ClientToken": "boto-convert", "Identifier": eid, "ContextIdentifier": out["createContext"]["ContextId"]}
    task = b.start_opportunity_from_engagement_task(**convert)
    out["convert"] = strip(task)
    out["convertReplay"] = strip(b.start_opportunity_from_engagement_task(**convert))
    out["convertAgain"] = strip(b.start_opportunity_from_engagement_task(**dict(convert, ClientToken="boto-convert-2")))
    out["convertUnknown"] = expect_error(b, "start_opportunity_from_engagement_task", **dict(convert, ClientToken="boto-convert-3", Identifier="eng-00000000000000"))
    out["convertTasks"] = pages(b, "list_opportunity_from_engagement_tasks", "TaskSummaries", 1, Catalog=CATALOG, EngagementIdentifier=[eid])
    out["convertTasksOfA"] = strip(a.list_opportunity_from_engagement_tasks(Catalog=CATALOG))
    if task["TaskStatus"] != "COMPLETE":
        raise RuntimeError(f"conversion failed: {task}")
    converted = b.get_opportunity(Catalog=CATALOG, Identifier=task["OpportunityId"])
    out["converted"] = strip(converted)
    out["contextsAfterConversion"] = [[c["Id"], c["Type"]] for c in b.get_engagement(Catalog=CATALOG, Identifier=eid)["Contexts"]]

    # B completes the converted opportunity and submits it in the lead's own engagement.
    members = b.meta.service_model.operation_model("UpdateOpportunity").input_shape.members
    body = {k: v for k, v in strip(converted).items() if k in members}
    body.update(
        Identifier=converted["Id"],
        PrimaryNeedsFromAws=["Co-Sell - Architectural Validation"],
        Customer={"Account": {**converted["Customer"]["Account"], "Address": {"CountryCode": "DE", "City": "Berlin", "PostalCode": "10115"}}},
        Project={**converted["Project"], "CustomerUseCase": "Migration / Database Migration", "DeliveryModels": ["SaaS or PaaS"],
                 "SalesActivities": ["Initialized discussions with customer"],
                 "ExpectedCustomerSpend": [{"Amount": "5000", "CurrencyCode": "USD", "Frequency": "Monthly", "TargetCompany": "AWS"}]},
    )
    b.update_opportunity(**body)
    b.associate_opportunity(Catalog=CATALOG, OpportunityIdentifier=converted["Id"], RelatedEntityType="Solutions", RelatedEntityIdentifier="S-1234567")
    submitted = b.start_engagement_from_opportunity_task(Catalog=CATALOG, ClientToken="boto-lead-submit", Identifier=converted["Id"],
                                                         AwsSubmission={"InvolvementType": "Co-Sell", "Visibility": "Full"})
    out["submitTask"] = strip(submitted)
    out["submittedReviewStatus"] = b.get_opportunity(Catalog=CATALOG, Identifier=converted["Id"])["LifeCycle"]["ReviewStatus"]
    out["associations"] = pages(a, "list_engagement_resource_associations", "EngagementResourceAssociationSummaries", 1, Catalog=CATALOG, EngagementIdentifier=eid)

    # Five contexts at most: a sixth is a ServiceQuotaExceededException.
    full = a.create_engagement(Catalog=CATALOG, ClientToken="boto-eng-full", Title="Full", Description="Five contexts.",
                               Contexts=[{"Type": "CustomerProject", "Payload": customer_project(f"Project {n}")} for n in range(5)])
    out["sixthContext"] = expect_error(a, "create_engagement_context", Catalog=CATALOG, ClientToken="boto-ctx-6", EngagementIdentifier=full["Id"],
                                       Type="CustomerProject", Payload=customer_project("Project 6"))
    emit(out)


if __name__ == "__main__":
    main()
