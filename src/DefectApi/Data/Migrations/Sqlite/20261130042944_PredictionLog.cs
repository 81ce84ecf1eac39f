using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace DefectApi.Data.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class PredictionLog : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<Guid>(
                name: "ShadowModelId",
                table: "Deployments",
                type: "TEXT",
                nullable: true);

            migrationBuilder.CreateTable(
                name: "Outcomes",
                columns: table => new
                {
                    PredictionId = table.Column<Guid>(type: "TEXT", nullable: false),
                    DeploymentName = table.Column<string>(type: "TEXT", maxLength: 100, nullable: false),
                    Actual = table.Column<string>(type: "TEXT", maxLength: 200, nullable: false),
                    RecordedAt = table.Column<DateTime>(type: "TEXT", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_Outcomes", x => x.PredictionId);
                });

            migrationBuilder.CreateTable(
                name: "PredictionLog",
                columns: table => new
                {
                    Id = table.Column<long>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    PredictionId = table.Column<Guid>(type: "TEXT", nullable: false),
                    DeploymentName = table.Column<string>(type: "TEXT", maxLength: 100, nullable: false),
                    ModelId = table.Column<Guid>(type: "TEXT", nullable: false),
                    Shadow = table.Column<bool>(type: "INTEGER", nullable: false),
                    CreatedAt = table.Column<DateTime>(type: "TEXT", nullable: false),
                    Input = table.Column<string>(type: "TEXT", nullable: false),
                    Output = table.Column<string>(type: "TEXT", nullable: false),
                    Score = table.Column<double>(type: "REAL", nullable: true),
                    Label = table.Column<string>(type: "TEXT", maxLength: 200, nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_PredictionLog", x => x.Id);
                });

            migrationBuilder.CreateIndex(
                name: "IX_Deployments_ShadowModelId",
                table: "Deployments",
                column: "ShadowModelId");

            migrationBuilder.CreateIndex(
                name: "IX_Outcomes_RecordedAt",
                table: "Outcomes",
                column: "RecordedAt");

            migrationBuilder.CreateIndex(
                name: "IX_PredictionLog_CreatedAt",
                table: "PredictionLog",
                column: "CreatedAt");

            migrationBuilder.CreateIndex(
                name: "IX_PredictionLog_DeploymentName_CreatedAt",
                table: "PredictionLog",
                columns: new[] { "DeploymentName", "CreatedAt" });

            migrationBuilder.CreateIndex(
                name: "IX_PredictionLog_PredictionId",
                table: "PredictionLog",
                column: "PredictionId");

            migrationBuilder.AddForeignKey(
                name: "FK_Deployments_Models_ShadowModelId",
                table: "Deployments",
                column: "ShadowModelId",
                principalTable: "Models",
                principalColumn: "Id",
                onDelete: ReferentialAction.Restrict);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropForeignKey(
                name: "FK_Deployments_Models_ShadowModelId",
                table: "Deployments");

            migrationBuilder.DropTable(
                name: "Outcomes");

            migrationBuilder.DropTable(
                name: "PredictionLog");

            migrationBuilder.DropIndex(
                name: "IX_Deployments_ShadowModelId",
                table: "Deployments");

            migrationBuilder.DropColumn(
                name: "ShadowModelId",
                table: "Deployments");
        }
    }
}
