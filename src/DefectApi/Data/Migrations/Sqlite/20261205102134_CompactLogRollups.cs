using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace DefectApi.Data.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class CompactLogRollups : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            // The log of the earlier version ("PredictionLog", "Outcomes") stays until LegacyLogConversion has turned
            // it into the compact log and its rollups at start; it drops them then.
            migrationBuilder.AddColumn<string>(
                name: "KeyColumns",
                table: "Deployments",
                type: "TEXT",
                nullable: false,
                defaultValue: "[]");

            migrationBuilder.CreateTable(
                name: "LogSegments",
                columns: table => new
                {
                    Id = table.Column<long>(type: "INTEGER", nullable: false),
                    DeploymentName = table.Column<string>(type: "TEXT", maxLength: 100, nullable: false),
                    ModelId = table.Column<Guid>(type: "TEXT", nullable: false),
                    ShadowModelId = table.Column<Guid>(type: "TEXT", nullable: true),
                    Columns = table.Column<string>(type: "TEXT", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_LogSegments", x => x.Id);
                });

            // The log lives in its key's B-tree (WITHOUT ROWID): one B-tree entry per answer instead of a row and an index.
            migrationBuilder.Sql(
                "CREATE TABLE \"LoggedAnswers\" (\"PredictionId\" BLOB NOT NULL CONSTRAINT \"PK_LoggedAnswers\" PRIMARY KEY, " +
                "\"SegmentId\" INTEGER NOT NULL, \"Line\" TEXT NOT NULL, \"Score\" REAL NULL, \"Label\" TEXT NULL, \"ShadowScore\" REAL NULL, " +
                "\"ShadowLabel\" TEXT NULL, \"Key1\" INTEGER NULL, \"Key2\" INTEGER NULL, \"Key3\" INTEGER NULL) WITHOUT ROWID;");

            migrationBuilder.CreateTable(
                name: "LoggedOutcomes",
                columns: table => new
                {
                    Id = table.Column<long>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    DeploymentName = table.Column<string>(type: "TEXT", maxLength: 100, nullable: false),
                    PredictionId = table.Column<byte[]>(type: "BLOB", maxLength: 16, nullable: true),
                    KeyHash = table.Column<long>(type: "INTEGER", nullable: true),
                    KeyColumn = table.Column<string>(type: "TEXT", maxLength: 200, nullable: true),
                    Key = table.Column<string>(type: "TEXT", nullable: true),
                    Actual = table.Column<string>(type: "TEXT", maxLength: 200, nullable: false),
                    RecordedAt = table.Column<long>(type: "INTEGER", nullable: false),
                    Joined = table.Column<bool>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_LoggedOutcomes", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "MonitoringRollups",
                columns: table => new
                {
                    DeploymentName = table.Column<string>(type: "TEXT", maxLength: 100, nullable: false),
                    Hour = table.Column<long>(type: "INTEGER", nullable: false),
                    ModelId = table.Column<Guid>(type: "TEXT", nullable: false),
                    Shadow = table.Column<bool>(type: "INTEGER", nullable: false),
                    Counts = table.Column<byte[]>(type: "BLOB", nullable: false)
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
