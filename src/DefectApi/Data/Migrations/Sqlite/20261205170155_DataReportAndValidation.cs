using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace DefectApi.Data.Migrations.Sqlite
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
                type: "TEXT",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "ReportJson",
                table: "Datasets",
                type: "TEXT",
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
