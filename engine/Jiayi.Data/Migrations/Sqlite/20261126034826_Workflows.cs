using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Jiayi.Data.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class Workflows : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "contract_guards",
                columns: table => new
                {
                    ResidentId = table.Column<Guid>(type: "TEXT", nullable: false),
                    Revision = table.Column<int>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_contract_guards", x => x.ResidentId);
                });

            migrationBuilder.CreateTable(
                name: "contracts",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "TEXT", nullable: false),
                    Number = table.Column<string>(type: "TEXT", maxLength: 32, nullable: false),
                    ResidentId = table.Column<Guid>(type: "TEXT", nullable: false),
                    ResidentName = table.Column<string>(type: "TEXT", maxLength: 50, nullable: false),
                    HouseholdId = table.Column<Guid>(type: "TEXT", nullable: true),
                    TeamId = table.Column<Guid>(type: "TEXT", nullable: false),
                    TeamName = table.Column<string>(type: "TEXT", maxLength: 200, nullable: false),
                    InstitutionId = table.Column<Guid>(type: "TEXT", nullable: false),
                    InstitutionName = table.Column<string>(type: "TEXT", maxLength: 200, nullable: false),
                    OrgPath = table.Column<string>(type: "TEXT", maxLength: 400, nullable: false),
                    DoctorUserId = table.Column<Guid>(type: "TEXT", nullable: true),
                    DoctorName = table.Column<string>(type: "TEXT", maxLength: 50, nullable: false),
                    StartDate = table.Column<DateOnly>(type: "TEXT", nullable: false),
                    EndDate = table.Column<DateOnly>(type: "TEXT", nullable: false),
                    Status = table.Column<string>(type: "TEXT", maxLength: 32, nullable: false),
                    State = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    IsOpen = table.Column<bool>(type: "INTEGER", nullable: false),
                    Source = table.Column<string>(type: "TEXT", maxLength: 16, nullable: false),
                    Populations = table.Column<string>(type: "TEXT", nullable: false),
                    Price = table.Column<decimal>(type: "TEXT", precision: 10, scale: 2, nullable: false),
                    Latitude = table.Column<double>(type: "REAL", nullable: true),
                    Longitude = table.Column<double>(type: "REAL", nullable: true),
                    SignatureFileId = table.Column<Guid>(type: "TEXT", nullable: true),
                    PhotoFileId = table.Column<Guid>(type: "TEXT", nullable: true),
                    AgreementText = table.Column<string>(type: "TEXT", maxLength: 100000, nullable: false),
                    PreviousContractId = table.Column<Guid>(type: "TEXT", nullable: true),
                    RenewedById = table.Column<Guid>(type: "TEXT", nullable: true),
                    TerminationReason = table.Column<string>(type: "TEXT", maxLength: 200, nullable: true),
                    TerminatedOn = table.Column<DateOnly>(type: "TEXT", nullable: true),
                    WorkflowId = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    InstanceId = table.Column<Guid>(type: "TEXT", nullable: false),
                    CreatedBy = table.Column<Guid>(type: "TEXT", nullable: true),
                    CreatedByName = table.Column<string>(type: "TEXT", maxLength: 50, nullable: true),
                    CreatedAt = table.Column<DateTime>(type: "TEXT", nullable: false),
                    UpdatedAt = table.Column<DateTime>(type: "TEXT", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_contracts", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "files",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "TEXT", nullable: false),
                    OwnerType = table.Column<string>(type: "TEXT", maxLength: 32, nullable: false),
                    OwnerId = table.Column<Guid>(type: "TEXT", nullable: false),
                    Kind = table.Column<string>(type: "TEXT", maxLength: 32, nullable: false),
                    ContentType = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    Size = table.Column<int>(type: "INTEGER", nullable: false),
                    Sha256 = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    Content = table.Column<byte[]>(type: "BLOB", nullable: false),
                    CreatedBy = table.Column<Guid>(type: "TEXT", nullable: true),
                    CreatedAt = table.Column<DateTime>(type: "TEXT", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_files", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "notifications",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "TEXT", nullable: false),
                    UserId = table.Column<Guid>(type: "TEXT", nullable: false),
                    Title = table.Column<string>(type: "TEXT", maxLength: 200, nullable: false),
                    Message = table.Column<string>(type: "TEXT", maxLength: 1000, nullable: true),
                    Link = table.Column<string>(type: "TEXT", maxLength: 300, nullable: true),
                    CreatedAt = table.Column<DateTime>(type: "TEXT", nullable: false),
                    ReadAt = table.Column<DateTime>(type: "TEXT", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_notifications", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "service_packages",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "TEXT", nullable: false),
                    Name = table.Column<string>(type: "TEXT", maxLength: 100, nullable: false),
                    Kind = table.Column<string>(type: "TEXT", maxLength: 16, nullable: false),
                    Description = table.Column<string>(type: "TEXT", maxLength: 1000, nullable: true),
                    TargetPopulations = table.Column<string>(type: "TEXT", nullable: false),
                    Price = table.Column<decimal>(type: "TEXT", precision: 10, scale: 2, nullable: false),
                    Subsidy = table.Column<decimal>(type: "TEXT", precision: 10, scale: 2, nullable: false),
                    ValidFrom = table.Column<DateOnly>(type: "TEXT", nullable: false),
                    ValidTo = table.Column<DateOnly>(type: "TEXT", nullable: false),
                    IssuerOrgId = table.Column<Guid>(type: "TEXT", nullable: false),
                    IssuerOrgPath = table.Column<string>(type: "TEXT", maxLength: 400, nullable: false),
                    AgreementTemplate = table.Column<string>(type: "TEXT", maxLength: 20000, nullable: true),
                    Published = table.Column<bool>(type: "INTEGER", nullable: false),
                    PublishedAt = table.Column<DateTime>(type: "TEXT", nullable: true),
                    CreatedAt = table.Column<DateTime>(type: "TEXT", nullable: false),
                    UpdatedAt = table.Column<DateTime>(type: "TEXT", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_service_packages", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "work_item_assignees",
                columns: table => new
                {
                    WorkItemId = table.Column<Guid>(type: "TEXT", nullable: false),
                    UserId = table.Column<Guid>(type: "TEXT", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_work_item_assignees", x => new { x.WorkItemId, x.UserId });
                });

            migrationBuilder.CreateTable(
                name: "work_items",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "TEXT", nullable: false),
                    InstanceId = table.Column<Guid>(type: "TEXT", nullable: false),
                    WorkflowId = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    State = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    Title = table.Column<string>(type: "TEXT", maxLength: 300, nullable: false),
                    Triggers = table.Column<string>(type: "TEXT", nullable: false),
                    SubjectType = table.Column<string>(type: "TEXT", maxLength: 32, nullable: false),
                    SubjectId = table.Column<Guid>(type: "TEXT", nullable: false),
                    OrgPath = table.Column<string>(type: "TEXT", maxLength: 400, nullable: false),
                    Status = table.Column<string>(type: "TEXT", maxLength: 16, nullable: false),
                    CreatedAt = table.Column<DateTime>(type: "TEXT", nullable: false),
                    CompletedAt = table.Column<DateTime>(type: "TEXT", nullable: true),
                    CompletedBy = table.Column<Guid>(type: "TEXT", nullable: true),
                    CompletedByName = table.Column<string>(type: "TEXT", maxLength: 50, nullable: true),
                    Outcome = table.Column<string>(type: "TEXT", maxLength: 200, nullable: true),
                    Comment = table.Column<string>(type: "TEXT", maxLength: 1000, nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_work_items", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "workflow_definitions",
                columns: table => new
                {
                    WorkflowId = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    Version = table.Column<int>(type: "INTEGER", nullable: false),
                    Title = table.Column<string>(type: "TEXT", maxLength: 200, nullable: false),
                    Content = table.Column<string>(type: "TEXT", nullable: false),
                    ContentHash = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    Status = table.Column<string>(type: "TEXT", maxLength: 16, nullable: false),
                    Source = table.Column<string>(type: "TEXT", maxLength: 300, nullable: false),
                    CreatedAt = table.Column<DateTime>(type: "TEXT", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_workflow_definitions", x => new { x.WorkflowId, x.Version });
                });

            migrationBuilder.CreateTable(
                name: "workflow_history",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "TEXT", nullable: false),
                    InstanceId = table.Column<Guid>(type: "TEXT", nullable: false),
                    WorkflowVersion = table.Column<int>(type: "INTEGER", nullable: false),
                    At = table.Column<DateTime>(type: "TEXT", nullable: false),
                    UserId = table.Column<Guid>(type: "TEXT", nullable: true),
                    UserName = table.Column<string>(type: "TEXT", maxLength: 50, nullable: false),
                    ActorOrgId = table.Column<Guid>(type: "TEXT", nullable: true),
                    ActorOrgPath = table.Column<string>(type: "TEXT", maxLength: 400, nullable: true),
                    OrgPath = table.Column<string>(type: "TEXT", maxLength: 400, nullable: false),
                    SubjectType = table.Column<string>(type: "TEXT", maxLength: 32, nullable: false),
                    SubjectId = table.Column<Guid>(type: "TEXT", nullable: false),
                    FromState = table.Column<string>(type: "TEXT", maxLength: 64, nullable: true),
                    ToState = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    Trigger = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    Label = table.Column<string>(type: "TEXT", maxLength: 200, nullable: false),
                    FromName = table.Column<string>(type: "TEXT", maxLength: 200, nullable: true),
                    ToName = table.Column<string>(type: "TEXT", maxLength: 200, nullable: false),
                    Comment = table.Column<string>(type: "TEXT", maxLength: 1000, nullable: true),
                    Data = table.Column<string>(type: "TEXT", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_workflow_history", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "workflow_instances",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "TEXT", nullable: false),
                    WorkflowId = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    WorkflowVersion = table.Column<int>(type: "INTEGER", nullable: false),
                    State = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    SubjectType = table.Column<string>(type: "TEXT", maxLength: 32, nullable: false),
                    SubjectId = table.Column<Guid>(type: "TEXT", nullable: false),
                    Title = table.Column<string>(type: "TEXT", maxLength: 200, nullable: false),
                    OrgId = table.Column<Guid>(type: "TEXT", nullable: false),
                    OrgPath = table.Column<string>(type: "TEXT", maxLength: 400, nullable: false),
                    IsOpen = table.Column<bool>(type: "INTEGER", nullable: false),
                    Revision = table.Column<int>(type: "INTEGER", nullable: false),
                    StartedAt = table.Column<DateTime>(type: "TEXT", nullable: false),
                    UpdatedAt = table.Column<DateTime>(type: "TEXT", nullable: false),
                    CompletedAt = table.Column<DateTime>(type: "TEXT", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_workflow_instances", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "workflow_timers",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "TEXT", nullable: false),
                    InstanceId = table.Column<Guid>(type: "TEXT", nullable: false),
                    TimerKey = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    Trigger = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    State = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    DueAt = table.Column<DateTime>(type: "TEXT", nullable: false),
                    Status = table.Column<string>(type: "TEXT", maxLength: 16, nullable: false),
                    FiredAt = table.Column<DateTime>(type: "TEXT", nullable: true),
                    Message = table.Column<string>(type: "TEXT", maxLength: 1000, nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_workflow_timers", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "contract_packages",
                columns: table => new
                {
                    ContractId = table.Column<Guid>(type: "TEXT", nullable: false),
                    PackageId = table.Column<Guid>(type: "TEXT", nullable: false),
                    PackageName = table.Column<string>(type: "TEXT", maxLength: 100, nullable: false),
                    Kind = table.Column<string>(type: "TEXT", maxLength: 16, nullable: false),
                    Price = table.Column<decimal>(type: "TEXT", precision: 10, scale: 2, nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_contract_packages", x => new { x.ContractId, x.PackageId });
                    table.ForeignKey(
                        name: "FK_contract_packages_contracts_ContractId",
                        column: x => x.ContractId,
                        principalTable: "contracts",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "package_items",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "TEXT", nullable: false),
                    PackageId = table.Column<Guid>(type: "TEXT", nullable: false),
                    Order = table.Column<int>(type: "INTEGER", nullable: false),
                    Name = table.Column<string>(type: "TEXT", maxLength: 100, nullable: false),
                    FormId = table.Column<string>(type: "TEXT", maxLength: 64, nullable: true),
                    ServiceType = table.Column<string>(type: "TEXT", maxLength: 64, nullable: true),
                    TimesPerYear = table.Column<int>(type: "INTEGER", nullable: false),
                    Price = table.Column<decimal>(type: "TEXT", precision: 10, scale: 2, nullable: false),
                    Subsidy = table.Column<decimal>(type: "TEXT", precision: 10, scale: 2, nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_package_items", x => x.Id);
                    table.ForeignKey(
                        name: "FK_package_items_service_packages_PackageId",
                        column: x => x.PackageId,
                        principalTable: "service_packages",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateIndex(
                name: "IX_contract_packages_PackageId",
                table: "contract_packages",
                column: "PackageId");

            migrationBuilder.CreateIndex(
                name: "IX_contracts_InstanceId",
                table: "contracts",
                column: "InstanceId");

            migrationBuilder.CreateIndex(
                name: "IX_contracts_Number",
                table: "contracts",
                column: "Number",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_contracts_OrgPath",
                table: "contracts",
                column: "OrgPath");

            migrationBuilder.CreateIndex(
                name: "IX_contracts_ResidentId_StartDate",
                table: "contracts",
                columns: new[] { "ResidentId", "StartDate" });

            migrationBuilder.CreateIndex(
                name: "IX_contracts_Status_EndDate",
                table: "contracts",
                columns: new[] { "Status", "EndDate" });

            migrationBuilder.CreateIndex(
                name: "IX_files_OwnerType_OwnerId",
                table: "files",
                columns: new[] { "OwnerType", "OwnerId" });

            migrationBuilder.CreateIndex(
                name: "IX_notifications_UserId_CreatedAt",
                table: "notifications",
                columns: new[] { "UserId", "CreatedAt" });

            migrationBuilder.CreateIndex(
                name: "IX_package_items_PackageId",
                table: "package_items",
                column: "PackageId");

            migrationBuilder.CreateIndex(
                name: "IX_service_packages_IssuerOrgPath",
                table: "service_packages",
                column: "IssuerOrgPath");

            migrationBuilder.CreateIndex(
                name: "IX_service_packages_Published",
                table: "service_packages",
                column: "Published");

            migrationBuilder.CreateIndex(
                name: "IX_work_item_assignees_UserId",
                table: "work_item_assignees",
                column: "UserId");

            migrationBuilder.CreateIndex(
                name: "IX_work_items_CompletedBy_CompletedAt",
                table: "work_items",
                columns: new[] { "CompletedBy", "CompletedAt" });

            migrationBuilder.CreateIndex(
                name: "IX_work_items_InstanceId_Status",
                table: "work_items",
                columns: new[] { "InstanceId", "Status" });

            migrationBuilder.CreateIndex(
                name: "IX_work_items_OrgPath",
                table: "work_items",
                column: "OrgPath");

            migrationBuilder.CreateIndex(
                name: "IX_workflow_history_ActorOrgPath",
                table: "workflow_history",
                column: "ActorOrgPath");

            migrationBuilder.CreateIndex(
                name: "IX_workflow_history_InstanceId_At",
                table: "workflow_history",
                columns: new[] { "InstanceId", "At" });

            migrationBuilder.CreateIndex(
                name: "IX_workflow_history_OrgPath",
                table: "workflow_history",
                column: "OrgPath");

            migrationBuilder.CreateIndex(
                name: "IX_workflow_history_SubjectType_At",
                table: "workflow_history",
                columns: new[] { "SubjectType", "At" });

            migrationBuilder.CreateIndex(
                name: "IX_workflow_history_UserId",
                table: "workflow_history",
                column: "UserId");

            migrationBuilder.CreateIndex(
                name: "IX_workflow_instances_OrgPath",
                table: "workflow_instances",
                column: "OrgPath");

            migrationBuilder.CreateIndex(
                name: "IX_workflow_instances_SubjectType_SubjectId",
                table: "workflow_instances",
                columns: new[] { "SubjectType", "SubjectId" });

            migrationBuilder.CreateIndex(
                name: "IX_workflow_instances_WorkflowId_WorkflowVersion_State",
                table: "workflow_instances",
                columns: new[] { "WorkflowId", "WorkflowVersion", "State" });

            migrationBuilder.CreateIndex(
                name: "IX_workflow_timers_InstanceId",
                table: "workflow_timers",
                column: "InstanceId");

            migrationBuilder.CreateIndex(
                name: "IX_workflow_timers_Status_DueAt",
                table: "workflow_timers",
                columns: new[] { "Status", "DueAt" });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "contract_guards");

            migrationBuilder.DropTable(
                name: "contract_packages");

            migrationBuilder.DropTable(
                name: "files");

            migrationBuilder.DropTable(
                name: "notifications");

            migrationBuilder.DropTable(
                name: "package_items");

            migrationBuilder.DropTable(
                name: "work_item_assignees");

            migrationBuilder.DropTable(
                name: "work_items");

            migrationBuilder.DropTable(
                name: "workflow_definitions");

            migrationBuilder.DropTable(
                name: "workflow_history");

            migrationBuilder.DropTable(
                name: "workflow_instances");

            migrationBuilder.DropTable(
                name: "workflow_timers");

            migrationBuilder.DropTable(
                name: "contracts");

            migrationBuilder.DropTable(
                name: "service_packages");
        }
    }
}
