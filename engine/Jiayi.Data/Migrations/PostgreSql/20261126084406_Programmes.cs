using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Jiayi.Data.Migrations.PostgreSql
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
                    Kind = table.Column<string>(type: "character varying(32)", maxLength: 32, nullable: false),
                    DefinitionId = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    Version = table.Column<int>(type: "integer", nullable: false),
                    Title = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: false),
                    Content = table.Column<string>(type: "jsonb", nullable: false),
                    ContentHash = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    Status = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: false),
                    Source = table.Column<string>(type: "character varying(300)", maxLength: 300, nullable: false),
                    CreatedAt = table.Column<DateTime>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_definition_versions", x => new { x.Kind, x.DefinitionId, x.Version });
                });

            migrationBuilder.CreateTable(
                name: "enrolments",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "uuid", nullable: false),
                    ResidentId = table.Column<Guid>(type: "uuid", nullable: false),
                    ProgrammeId = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    StartedOn = table.Column<DateOnly>(type: "date", nullable: false),
                    StoppedOn = table.Column<DateOnly>(type: "date", nullable: true),
                    StopReason = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: true),
                    Source = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: false),
                    SourceRecordId = table.Column<Guid>(type: "uuid", nullable: true),
                    Attributes = table.Column<string>(type: "jsonb", nullable: false),
                    Note = table.Column<string>(type: "character varying(500)", maxLength: 500, nullable: true),
                    OrgPath = table.Column<string>(type: "character varying(400)", maxLength: 400, nullable: false),
                    CreatedBy = table.Column<Guid>(type: "uuid", nullable: true),
                    CreatedByName = table.Column<string>(type: "character varying(50)", maxLength: 50, nullable: true),
                    CreatedAt = table.Column<DateTime>(type: "timestamp with time zone", nullable: false),
                    UpdatedAt = table.Column<DateTime>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_enrolments", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "his_visits",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "uuid", nullable: false),
                    EventId = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: false),
                    ResidentId = table.Column<Guid>(type: "uuid", nullable: false),
                    Kind = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: false),
                    VisitDate = table.Column<DateOnly>(type: "date", nullable: false),
                    DischargeDate = table.Column<DateOnly>(type: "date", nullable: true),
                    InstitutionCode = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    InstitutionName = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: false),
                    Department = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: true),
                    DoctorName = table.Column<string>(type: "character varying(50)", maxLength: 50, nullable: true),
                    Diagnoses = table.Column<string>(type: "jsonb", nullable: false),
                    Prescriptions = table.Column<string>(type: "jsonb", nullable: false),
                    OrgPath = table.Column<string>(type: "character varying(400)", maxLength: 400, nullable: false),
                    ReceivedAt = table.Column<DateTime>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_his_visits", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "inbound_rejections",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "uuid", nullable: false),
                    Channel = table.Column<string>(type: "character varying(32)", maxLength: 32, nullable: false),
                    EventId = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: true),
                    Payload = table.Column<string>(type: "text", nullable: false),
                    Reason = table.Column<string>(type: "character varying(4000)", maxLength: 4000, nullable: false),
                    Status = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: false),
                    Attempts = table.Column<int>(type: "integer", nullable: false),
                    ReceivedAt = table.Column<DateTime>(type: "timestamp with time zone", nullable: false),
                    LastAttemptAt = table.Column<DateTime>(type: "timestamp with time zone", nullable: false),
                    ResolvedBy = table.Column<Guid>(type: "uuid", nullable: true),
                    ResolvedByName = table.Column<string>(type: "character varying(50)", maxLength: 50, nullable: true),
                    ResolvedAt = table.Column<DateTime>(type: "timestamp with time zone", nullable: true),
                    Note = table.Column<string>(type: "character varying(500)", maxLength: 500, nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_inbound_rejections", x => x.Id);
                });

            migrationBuilder.CreateIndex(
                name: "IX_enrolments_OrgPath",
                table: "enrolments",
                column: "OrgPath")
                .Annotation("Npgsql:IndexOperators", new[] { "text_pattern_ops" });

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
                column: "OrgPath")
                .Annotation("Npgsql:IndexOperators", new[] { "text_pattern_ops" });

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
