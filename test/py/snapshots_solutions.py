"""Resource snapshots and snapshot jobs, selling-system settings and solutions, with boto3.

Usage: python3 test/py/snapshots_solutions.py <endpoint>
Partner C (666666666666) snapshots its opportunity in its engagement, runs a snapshot job through its whole life
(created Stopped, started without a job role, given one, writing a revision on a change, stopped, deleted) and
lists its solutions after adding one through the control plane; partner D (777777777777) is not a member and has
its own catalogue. Prints one JSON object; test/python-families.test.ts asserts on it.
"""
import sys

from pcl import client, control_ok, emit, expect_error, pages, strip

CATALOG = "Sandbox"
C = "666666666666"
D = "777777777777"
TEMPLATE = "OpportunitySummaryView"


def main():
    endpoint = sys.argv[1]
    c, d = client(endpoint, C), client(endpoint, D)
    out = {}

    opportunity = c.create_opportunity(
        Catalog=CATALOG,
        ClientToken="boto-snap-opp",
        Customer={"Account": {"CompanyName": "Snapshot Corp", "Industry": "Automotive", "Address": {"CountryCode": "DE"}}},
        Project={"Title": "Snapshot deal", "CustomerBusinessProblem": "The customer wants one view of its deals."},
        LifeCycle={"Stage": "Prospect", "TargetCloseDate": "2030-09-30"},
    )
    oid = opportunity["Id"]
    eid = c.create_engagement(Catalog=CATALOG, ClientToken="boto-snap-eng", Title="Snapshot engagement", Description="Snapshots.")["Id"]
    resource = {"Catalog": CATALOG, "EngagementIdentifier": eid, "ResourceType": "Opportunity", "ResourceIdentifier": oid,
                "ResourceSnapshotTemplateIdentifier": TEMPLATE}

    # Snapshots: numbered revisions, the latest or a given one.
    out["snapshot1"] = strip(c.create_resource_snapshot(ClientToken="boto-snap-1", **resource))
    out["snapshot1Replay"] = strip(c.create_resource_snapshot(ClientToken="boto-snap-1", **resource))
    out["snapshot2"] = strip(c.create_resource_snapshot(ClientToken="boto-snap-2", **resource))
    out["latest"] = strip(c.get_resource_snapshot(**resource))
    out["revision1"] = strip(c.get_resource_snapshot(Revision=1, **resource))
    out["awsTemplate"] = expect_error(c, "create_resource_snapshot", **dict(resource, ClientToken="boto-snap-aws", ResourceSnapshotTemplateIdentifier="AwsOpportunitySummaryFullView"))
    out["nonMemberSnapshot"] = expect_error(d, "create_resource_snapshot", ClientToken="boto-snap-d", **resource)
    out["nonMemberRead"] = expect_error(d, "get_resource_snapshot", **resource)

    # A snapshot job: created Stopped, started without a role (LastFailure, no revision), then with one.
    job = c.create_resource_snapshot_job(ClientToken="boto-job-1", Tags=[{"Key": "team", "Value": "sync"}],
                                         **{k: v for k, v in resource.items()})
    out["job"] = strip(job)
    out["jobCreated"] = strip(c.get_resource_snapshot_job(Catalog=CATALOG, ResourceSnapshotJobIdentifier=job["Id"]))
    out["jobTags"] = strip(c.list_tags_for_resource(ResourceArn=job["Arn"]))
    out["secondJob"] = expect_error(c, "create_resource_snapshot_job", ClientToken="boto-job-2", **resource)
    out["start"] = strip(c.start_resource_snapshot_job(Catalog=CATALOG, ResourceSnapshotJobIdentifier=job["Id"]))
    out["deleteRunning"] = expect_error(c, "delete_resource_snapshot_job", Catalog=CATALOG, ResourceSnapshotJobIdentifier=job["Id"])

    def change(**life_cycle):
        """UpdateOpportunity with what GetOpportunity answered and `life_cycle` merged into LifeCycle."""
        got = c.get_opportunity(Catalog=CATALOG, Identifier=oid)
        members = c.meta.service_model.operation_model("UpdateOpportunity").input_shape.members
        update = {k: v for k, v in strip(got).items() if k in members}
        update.update(Identifier=oid, LifeCycle={**{k: v for k, v in got["LifeCycle"].items() if k != "NextStepsHistory"}, **life_cycle})
        c.update_opportunity(**update)

    # Running without a job role: a change of the template's fields records LastFailure and writes nothing.
    change(Stage="Qualified")
    out["jobWithoutRole"] = strip(c.get_resource_snapshot_job(Catalog=CATALOG, ResourceSnapshotJobIdentifier=job["Id"]))
    out["latestWithoutRole"] = c.get_resource_snapshot(**resource)["Revision"]

    # Settings: a bare role name becomes the account's role ARN; the running job then writes on a change.
    out["settingsBefore"] = strip(c.get_selling_system_settings(Catalog=CATALOG))
    out["putSettings"] = strip(c.put_selling_system_settings(Catalog=CATALOG, ResourceSnapshotJobRoleIdentifier="SnapshotJobRole"))
    out["settings"] = strip(c.get_selling_system_settings(Catalog=CATALOG))
    out["settingsOfD"] = strip(d.get_selling_system_settings(Catalog=CATALOG))
    out["settingsAwsCatalog"] = strip(c.get_selling_system_settings(Catalog="AWS"))
    change(NextSteps="Workshop booked.")
    out["jobWithRole"] = strip(c.get_resource_snapshot_job(Catalog=CATALOG, ResourceSnapshotJobIdentifier=job["Id"]))
    out["snapshots"] = pages(c, "list_resource_snapshots", "ResourceSnapshotSummaries", 2, Catalog=CATALOG, EngagementIdentifier=eid)
    out["latestWithRole"] = strip(c.get_resource_snapshot(**resource))

    out["stop"] = strip(c.stop_resource_snapshot_job(Catalog=CATALOG, ResourceSnapshotJobIdentifier=job["Id"]))
    out["stopAgain"] = expect_error(c, "stop_resource_snapshot_job", Catalog=CATALOG, ResourceSnapshotJobIdentifier=job["Id"])
    out["stoppedJobs"] = pages(c, "list_resource_snapshot_jobs", "ResourceSnapshotJobSummaries", 1, Catalog=CATALOG, Status="Stopped")
    out["jobsOfD"] = strip(d.list_resource_snapshot_jobs(Catalog=CATALOG))
    out["delete"] = strip(c.delete_resource_snapshot_job(Catalog=CATALOG, ResourceSnapshotJobIdentifier=job["Id"]))
    out["deleted"] = expect_error(c, "get_resource_snapshot_job", Catalog=CATALOG, ResourceSnapshotJobIdentifier=job["Id"])

    # A Put without a role clears it.
    c.put_selling_system_settings(Catalog=CATALOG)
    out["settingsCleared"] = strip(c.get_selling_system_settings(Catalog=CATALOG))
    out["badRole"] = expect_error(c, "put_selling_system_settings", Catalog=CATALOG, ResourceSnapshotJobRoleIdentifier="arn:aws:iam::12:role/x")

    # Solutions: the seeded catalogue, one added through the control plane, filters, sorts and the paginator.
    out["addSolutions"] = control_ok(endpoint, "POST", "solutions", {
        "accountId": C, "catalog": CATALOG,
        "solutions": [{"id": "S-0099999", "name": "Boto Analytics", "status": "Active", "category": "Consulting Service", "createdDate": "2025-03-01T00:00:00Z"}],
    })
    out["solutionsDefault"] = strip(c.list_solutions(Catalog=CATALOG))
    out["activeByNameDesc"] = pages(c, "list_solutions", "SolutionSummaries", 2, Catalog=CATALOG, Status=["Active"], Sort={"SortBy": "Name", "SortOrder": "DESCENDING"})
    out["byCategory"] = strip(c.list_solutions(Catalog=CATALOG, Category=["Consulting Service"]))
    out["byIdentifier"] = strip(c.list_solutions(Catalog=CATALOG, Identifier=["S-0040001", "S-0070007"], Sort={"SortBy": "Status", "SortOrder": "ASCENDING"}))
    out["solutionsOfD"] = [s["Id"] for s in d.list_solutions(Catalog=CATALOG)["SolutionSummaries"]]
    first = c.list_solutions(Catalog=CATALOG, MaxResults=1)
    out["tokenOtherFilter"] = expect_error(c, "list_solutions", Catalog=CATALOG, MaxResults=1, Status=["Draft"], NextToken=first["NextToken"])
    emit(out)


if __name__ == "__main__":
    main()
