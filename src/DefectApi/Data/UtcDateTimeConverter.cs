using Microsoft.EntityFrameworkCore.Storage.ValueConversion;

namespace DefectApi.Data;

/// <summary>SQLite keeps no time zone: values go in as UTC and come back marked as UTC.</summary>
public sealed class UtcDateTimeConverter() : ValueConverter<DateTime, DateTime>(
    v => v.Kind == DateTimeKind.Utc ? v : v.ToUniversalTime(),
    v => DateTime.SpecifyKind(v, DateTimeKind.Utc));
