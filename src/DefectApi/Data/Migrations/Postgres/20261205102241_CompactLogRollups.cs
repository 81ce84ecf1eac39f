using System;
using System.Collections.Generic;
using Microsoft.EntityFrameworkCore.Migrations;
using Npgsql.EntityFrameworkCore.PostgreSQL.Metadata;

#nullable disable

namespace DefectApi.Data.Migrations.Postgres
{
    /// <inheritdoc />
    public partial class CompactLogRollups : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            // The log of the earlier version ("PredictionLog", "Outcomes") stays until LegacyLogConversion has turned
            // it into the compact log and its rollups at start; it drops them then.
            migrationBuilder.AddColumn<List<string>>(
                name: "KeyColumns",
                table: "Deployments",
                type: "text[]",
                nullable: false,
                defaultValueSql: "ARRAY[]::text[]");

            migrationBuilder.CreateTable(
                name: "LogSegments",
                columns: table => new
                {
                    Id = table.Column<long>(type: "bigint", nullable: false),
                    DeploymentName = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: false),
                    ModelId = table.Column<Guid>(type: "uuid", nullable: false),
                    ShadowModelId = table.Column<Guid>(type: "uuid", nullable: true),
                    Columns = table.Column<string>(type: "text", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_LogSegments", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "LoggedAnswers",
                columns: table => new
                {
                    PredictionId = table.Column<byte[]>(type: "bytea", maxLength: 16, nullable: false),
                    SegmentId = table.Column<long>(type: "bigint", nullable: false),
                    Line = table.Column<string>(type: "text", nullable: false),
                    Score = table.Column<double>(type: "double precision", nullable: true),
                    Label = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: true),
                    ShadowScore = table.Column<double>(type: "double precision", nullable: true),
                    ShadowLabel = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: true),
                    Key1 = table.Column<long>(type: "bigint", nullable: true),
                    Key2 = table.Column<long>(type: "bigint", nullable: true),
                    Key3 = table.Column<long>(type: "bigint", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_LoggedAnswers", x => x.PredictionId);
                });

            migrationBuilder.CreateTable(
                name: "LoggedOutcomes",
                columns: table => new
                {
                    Id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    DeploymentName = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: false),
                    PredictionId = table.Column<byte[]>(type: "bytea", maxLength: 16, nullable: true),
                    KeyHash = table.Column<long>(type: "bigint", nullable: true),
                    KeyColumn = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: true),
                    Key = table.Column<string>(type: "text", nullable: true),
                    Actual = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: false),
                    RecordedAt = table.Column<long>(type: "bigint", nullable: false),
                    Joined = table.Column<bool>(type: "boolean", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_LoggedOutcomes", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "MonitoringRollups",
                columns: table => new
                {
                    DeploymentName = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: false),
                    Hour = table.Column<long>(type: "bigint", nullable: false),
                    ModelId = table.Column<Guid>(type: "uuid", nullable: false),
                    Shadow = table.Column<bool>(type: "boolean", nullable: false),
                    Counts = table.Column<byte[]>(type: "bytea", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_MonitoringRollups", x => new { x.DeploymentName, x.Hour, x.ModelId, x.Shadow });
                });

            migrationBuilder.CreateIndex(
                name: "IX_LogSegments_DeploymentName",
                table: "LogSegments",
                column: "DeploymentName");

            migrationBuilder.CreateIndex(
                name: "IX_LoggedAnswers_Key1",
                table: "LoggedAnswers",
                column: "Key1",
                filter: "\"Key1\" IS NOT NULL");

            migrationBuilder.CreateIndex(
                name: "IX_LoggedAnswers_Key2",
                table: "LoggedAnswers",
                column: "Key2",
                filter: "\"Key2\" IS NOT NULL");

            migrationBuilder.CreateIndex(
                name: "IX_LoggedAnswers_Key3",
                table: "LoggedAnswers",
                column: "Key3",
                filter: "\"Key3\" IS NOT NULL");

            migrationBuilder.CreateIndex(
                name: "IX_LoggedOutcomes_KeyHash",
                table: "LoggedOutcomes",
                column: "KeyHash",
                filter: "\"KeyHash\" IS NOT NULL AND \"PredictionId\" IS NULL");

            migrationBuilder.CreateIndex(
                name: "IX_LoggedOutcomes_PredictionId",
                table: "LoggedOutcomes",
                column: "PredictionId",
                unique: true,
                filter: "\"PredictionId\" IS NOT NULL");

            migrationBuilder.CreateIndex(
                name: "IX_LoggedOutcomes_RecordedAt",
                table: "LoggedOutcomes",
                column: "RecordedAt",
                filter: "NOT \"Joined\"");

            migrationBuilder.CreateIndex(
                name: "IX_MonitoringRollups_Hour",
                table: "MonitoringRollups",
                column: "Hour");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "LogSegments");

            migrationBuilder.DropTable(
                name: "LoggedAnswers");

            migrationBuilder.DropTable(
                name: "LoggedOutcomes");

            migrationBuilder.DropTable(
                name: "MonitoringRollups");

            migrationBuilder.DropColumn(
                name: "KeyColumns",
                table: "Deployments");
        }
    }
}
