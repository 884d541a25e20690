using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Jiayi.Data.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class Programmes : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "definition_versions",
                columns: table => new
                {
                    Kind = table.Column<string>(type: "TEXT", maxLength: 32, nullable: false),
                    DefinitionId = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
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
                    table.PrimaryKey("PK_definition_versions", x => new { x.Kind, x.DefinitionId, x.Version });
                });

            migrationBuilder.CreateTable(
                name: "enrolments",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "TEXT", nullable: false),
                    ResidentId = table.Column<Guid>(type: "TEXT", nullable: false),
                    ProgrammeId = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    StartedOn = table.Column<DateOnly>(type: "TEXT", nullable: false),
                    StoppedOn = table.Column<DateOnly>(type: "TEXT", nullable: true),
                    StopReason = table.Column<string>(type: "TEXT", maxLength: 100, nullable: true),
                    Source = table.Column<string>(type: "TEXT", maxLength: 16, nullable: false),
                    SourceRecordId = table.Column<Guid>(type: "TEXT", nullable: true),
                    Attributes = table.Column<string>(type: "TEXT", nullable: false),
                    Note = table.Column<string>(type: "TEXT", maxLength: 500, nullable: true),
                    OrgPath = table.Column<string>(type: "TEXT", maxLength: 400, nullable: false),
                    CreatedBy = table.Column<Guid>(type: "TEXT", nullable: true),
                    CreatedByName = table.Column<string>(type: "TEXT", maxLength: 50, nullable: true),
                    CreatedAt = table.Column<DateTime>(type: "TEXT", nullable: false),
                    UpdatedAt = table.Column<DateTime>(type: "TEXT", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_enrolments", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "his_visits",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "TEXT", nullable: false),
                    EventId = table.Column<string>(type: "TEXT", maxLength: 100, nullable: false),
                    ResidentId = table.Column<Guid>(type: "TEXT", nullable: false),
                    Kind = table.Column<string>(type: "TEXT", maxLength: 16, nullable: false),
                    VisitDate = table.Column<DateOnly>(type: "TEXT", nullable: false),
                    DischargeDate = table.Column<DateOnly>(type: "TEXT", nullable: true),
                    InstitutionCode = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    InstitutionName = table.Column<string>(type: "TEXT", maxLength: 200, nullable: false),
                    Department = table.Column<string>(type: "TEXT", maxLength: 100, nullable: true),
                    DoctorName = table.Column<string>(type: "TEXT", maxLength: 50, nullable: true),
                    Diagnoses = table.Column<string>(type: "TEXT", nullable: false),
                    Prescriptions = table.Column<string>(type: "TEXT", nullable: false),
                    OrgPath = table.Column<string>(type: "TEXT", maxLength: 400, nullable: false),
                    ReceivedAt = table.Column<DateTime>(type: "TEXT", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_his_visits", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "inbound_rejections",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "TEXT", nullable: false),
                    Channel = table.Column<string>(type: "TEXT", maxLength: 32, nullable: false),
                    EventId = table.Column<string>(type: "TEXT", maxLength: 100, nullable: true),
                    Payload = table.Column<string>(type: "TEXT", nullable: false),
                    Reason = table.Column<string>(type: "TEXT", maxLength: 4000, nullable: false),
                    Status = table.Column<string>(type: "TEXT", maxLength: 16, nullable: false),
                    Attempts = table.Column<int>(type: "INTEGER", nullable: false),
                    ReceivedAt = table.Column<DateTime>(type: "TEXT", nullable: false),
                    LastAttemptAt = table.Column<DateTime>(type: "TEXT", nullable: false),
                    ResolvedBy = table.Column<Guid>(type: "TEXT", nullable: true),
                    ResolvedByName = table.Column<string>(type: "TEXT", maxLength: 50, nullable: true),
                    ResolvedAt = table.Column<DateTime>(type: "TEXT", nullable: true),
                    Note = table.Column<string>(type: "TEXT", maxLength: 500, nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_inbound_rejections", x => x.Id);
                });

            migrationBuilder.CreateIndex(
                name: "IX_enrolments_OrgPath",
                table: "enrolments",
                column: "OrgPath");

            migrationBuilder.CreateIndex(
                name: "IX_enrolments_ProgrammeId_StoppedOn",
                table: "enrolments",
                columns: new[] { "ProgrammeId", "StoppedOn" });

            migrationBuilder.CreateIndex(
                name: "IX_enrolments_ResidentId_ProgrammeId",
                table: "enrolments",
                columns: new[] { "ResidentId", "ProgrammeId" },
                unique: true,
                filter: "\"StoppedOn\" IS NULL");

            migrationBuilder.CreateIndex(
                name: "IX_his_visits_EventId",
                table: "his_visits",
                column: "EventId",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_his_visits_OrgPath",
                table: "his_visits",
                column: "OrgPath");

            migrationBuilder.CreateIndex(
                name: "IX_his_visits_ResidentId_VisitDate",
                table: "his_visits",
                columns: new[] { "ResidentId", "VisitDate" });

            migrationBuilder.CreateIndex(
                name: "IX_inbound_rejections_Channel_EventId",
                table: "inbound_rejections",
                columns: new[] { "Channel", "EventId" });

            migrationBuilder.CreateIndex(
                name: "IX_inbound_rejections_Channel_Status_ReceivedAt",
                table: "inbound_rejections",
                columns: new[] { "Channel", "Status", "ReceivedAt" });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "definition_versions");

            migrationBuilder.DropTable(
                name: "enrolments");

            migrationBuilder.DropTable(
                name: "his_visits");

            migrationBuilder.DropTable(
                name: "inbound_rejections");
        }
    }
}
