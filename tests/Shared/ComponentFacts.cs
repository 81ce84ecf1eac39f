namespace DefectApi.Tests.Shared;

/// <summary>A test that needs a PostgreSQL server: skipped where none is installed (see <see cref="ExternalComponent"/>).</summary>
public sealed class PostgresFactAttribute : FactAttribute
{
    public PostgresFactAttribute() => Skip = ExternalComponent.PostgreSql.SkipReason;
}

/// <summary>A test that needs Debian's Chromium: skipped where it is not installed (see <see cref="ExternalComponent"/>).</summary>
public sealed class ChromiumFactAttribute : FactAttribute
{
    public ChromiumFactAttribute() => Skip = ExternalComponent.Chromium.SkipReason;
}

/// <summary>A test that needs promtool: skipped where it is not installed (see <see cref="ExternalComponent"/>).</summary>
public sealed class PromtoolFactAttribute : FactAttribute
{
    public PromtoolFactAttribute() => Skip = ExternalComponent.Promtool.SkipReason;
}

/// <summary>A test of replicas on PostgreSQL behind a real HAProxy: skipped where either is not installed (see
/// <see cref="ExternalComponent"/>).</summary>
public sealed class HaproxyFactAttribute : FactAttribute
{
    public HaproxyFactAttribute() => Skip = ExternalComponent.Haproxy.SkipReason ?? ExternalComponent.PostgreSql.SkipReason;
}
