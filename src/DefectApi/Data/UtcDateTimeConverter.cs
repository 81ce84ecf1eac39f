using Microsoft.EntityFrameworkCore.Storage.ValueConversion;

namespace DefectApi.Data;

/// <summary>Every timestamp is stored and read back as UTC, to the microsecond: SQLite keeps no time zone, and
/// PostgreSQL keeps microseconds where .NET has ticks of 100 ns. Cutting both to microseconds makes a value read the
/// same from either provider, and the same after an installation is copied from one to the other.</summary>
public sealed class UtcDateTimeConverter() : ValueConverter<DateTime, DateTime>(
    v => Stored(v),
    v => ToMicroseconds(DateTime.SpecifyKind(v, DateTimeKind.Utc)))
{
    /// <summary>The value as it is stored: UTC, to the microsecond (for writers that go below EF Core).</summary>
    public static DateTime Stored(DateTime v) => ToMicroseconds(v.Kind == DateTimeKind.Utc ? v : v.ToUniversalTime());

    static DateTime ToMicroseconds(DateTime v) => new(v.Ticks - v.Ticks % TimeSpan.TicksPerMicrosecond, DateTimeKind.Utc);
}
