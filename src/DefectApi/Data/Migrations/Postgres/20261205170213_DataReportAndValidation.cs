using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace DefectApi.Data.Migrations.Postgres
{
    /// <inheritdoc />
    public partial class DataReportAndValidation : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<string>(
                name: "ValidationJson",
                table: "Models",
                type: "text",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "ReportJson",
                table: "Datasets",
                type: "text",
                nullable: true);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropColumn(
                name: "ValidationJson",
                table: "Models");

            migrationBuilder.DropColumn(
                name: "ReportJson",
                table: "Datasets");
        }
    }
}
