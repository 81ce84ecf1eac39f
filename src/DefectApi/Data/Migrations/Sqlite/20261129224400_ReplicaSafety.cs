using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace DefectApi.Data.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class ReplicaSafety : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AlterColumn<Guid>(
                name: "DatasetId",
                table: "TrainingJobs",
                type: "TEXT",
                nullable: true,
                oldClrType: typeof(Guid),
                oldType: "TEXT");

            migrationBuilder.AddColumn<int>(
                name: "Revision",
                table: "Models",
                type: "INTEGER",
                nullable: false,
                defaultValue: 0);

            migrationBuilder.AddCheckConstraint(
                name: "CK_TrainingJobs_ActiveJobHasDataset",
                table: "TrainingJobs",
                sql: "\"Status\" NOT IN ('Queued', 'Running') OR \"DatasetId\" IS NOT NULL");

            migrationBuilder.AddForeignKey(
                name: "FK_Deployments_Models_ModelId",
                table: "Deployments",
                column: "ModelId",
                principalTable: "Models",
                principalColumn: "Id",
                onDelete: ReferentialAction.Restrict);

            migrationBuilder.AddForeignKey(
                name: "FK_TrainingJobs_Datasets_DatasetId",
                table: "TrainingJobs",
                column: "DatasetId",
                principalTable: "Datasets",
                principalColumn: "Id",
                onDelete: ReferentialAction.SetNull);

            // Rows the races before this migration could leave, which the new keys would refuse: a deployment of a
            // deleted model, and a job on a deleted dataset.
            migrationBuilder.Sql("DELETE FROM \"Deployments\" WHERE \"ModelId\" NOT IN (SELECT \"Id\" FROM \"Models\");");
            migrationBuilder.Sql("UPDATE \"TrainingJobs\" SET \"Status\" = 'Failed', \"Error\" = 'Its dataset was deleted before it ran.' " +
                "WHERE \"Status\" IN ('Queued', 'Running') AND \"DatasetId\" NOT IN (SELECT \"Id\" FROM \"Datasets\");");
            migrationBuilder.Sql("UPDATE \"TrainingJobs\" SET \"DatasetId\" = NULL WHERE \"DatasetId\" NOT IN (SELECT \"Id\" FROM \"Datasets\");");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropForeignKey(
                name: "FK_Deployments_Models_ModelId",
                table: "Deployments");

            migrationBuilder.DropForeignKey(
                name: "FK_TrainingJobs_Datasets_DatasetId",
                table: "TrainingJobs");

            migrationBuilder.DropCheckConstraint(
                name: "CK_TrainingJobs_ActiveJobHasDataset",
                table: "TrainingJobs");

            migrationBuilder.DropColumn(
                name: "Revision",
                table: "Models");

            migrationBuilder.AlterColumn<Guid>(
                name: "DatasetId",
                table: "TrainingJobs",
                type: "TEXT",
                nullable: false,
                defaultValue: new Guid("00000000-0000-0000-0000-000000000000"),
                oldClrType: typeof(Guid),
                oldType: "TEXT",
                oldNullable: true);
        }
    }
}
