using System.Text.RegularExpressions;
using DefectApi.Security;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace DefectApi.Tests.Security;

/// <summary>Which environments and settings run open, which create the first admin key, and which keys the service
/// refuses to start with. The fresh start of the built app as an operator runs it is FirstStartTests.</summary>
public sealed partial class SecureDefaultTests
{
    [GeneratedRegex("dak_[A-Za-z0-9_-]{43}")]
    internal static partial Regex PrintedKey();

    static (ApiFactory Factory, CapturingLoggerProvider Logs,
        Microsoft.AspNetCore.Mvc.Testing.WebApplicationFactory<Program> Service) Start(
        string environment, string? requireKeys)
    {
        var factory = new ApiFactory(new Dictionary<string, string?> { ["Auth:RequireKeys"] = requireKeys });
        var logs = new CapturingLoggerProvider();
        var service = logs.AddTo(factory).WithWebHostBuilder(builder => builder.UseEnvironment(environment));
        return (factory, logs, service);
    }

    [Theory]
    [InlineData("Production", null)]
    [InlineData("Production", "true")]
    [InlineData("Staging", null)]
    [InlineData("Development", "true")]
    public async Task WhereKeysAreRequiredAndNoneExistsTheFirstStartCreatesAnAdminKeyAndOnlyItOpensTheService(string environment,
        string? requireKeys)
    {
        var (factory, logs, service) = Start(environment, requireKeys);
        using var _ = factory;
        var anonymous = service.CreateClient();

        await (await anonymous.GetAsync("/api/models")).AssertProblemAsync(HttpStatusCode.Unauthorized);
        var printed = logs.Logs.Where(l => l.Category.EndsWith("KeyRingStartup") && l.Level == LogLevel.Warning)
            .Select(l => l.Message).Single();
        var key = PrintedKey().Match(printed).Value;
        Assert.NotEmpty(key);
        Assert.Equal(HttpStatusCode.OK, (await service.CreateClient(key).GetAsync("/api/models")).StatusCode);
        var keys = await service.CreateClient(key).GetFromJsonAsync<JsonElement>("/api/keys");
        var admin = Assert.Single(keys.GetProperty("items").EnumerateArray());
        Assert.Equal("admin", admin.GetProperty("name").GetString());
        Assert.Equal("database", admin.GetProperty("source").GetString());
    }

    [Theory]
    [InlineData("Development", null)]
    [InlineData("Production", "false")]
    public async Task DevelopmentOrAnExplicitRequireKeysFalseRunsOpenWithAWarning(string environment, string? requireKeys)
    {
        var (factory, logs, service) = Start(environment, requireKeys);
        using var _ = factory;

        Assert.Equal(HttpStatusCode.OK, (await service.CreateClient().GetAsync("/api/models")).StatusCode);
        var ready = await service.CreateClient().GetFromJsonAsync<JsonElement>("/health/ready");

        Assert.Contains("open", ready.GetProperty("checks").GetProperty("authentication").GetProperty("description").GetString());
        Assert.Contains(logs.Logs, l => l.Level == LogLevel.Warning && l.Message.Contains("open to anyone"));
        Assert.DoesNotContain(logs.Logs, l => PrintedKey().IsMatch(l.Message));
    }

    [Fact]
    public async Task WithAConfiguredKeyNoKeyIsCreatedAndReadinessCountsTheKeysInForce()
    {
        using var factory = new ApiFactory(ApiKeys.Configure(0, "ops", "configured-admin-key", "admin").Append(new("Auth:RequireKeys",
            null)).ToDictionary());
        var logs = new CapturingLoggerProvider();
        var service = logs.AddTo(factory);

        var ready = await service.CreateClient().GetFromJsonAsync<JsonElement>("/health/ready");

        Assert.Contains("1 API key(s) in force (1 configured, 0 stored in the database)",
            ready.GetProperty("checks").GetProperty("authentication").GetProperty("description").GetString());
        Assert.DoesNotContain(logs.Logs, l => PrintedKey().IsMatch(l.Message));
    }

    [Fact]
    public void AKeyWhoseHashTheDocsPublishedRefusesToStart()
    {
        var published = PublishedKeys.Hashes.First();
        using var factory = new ApiFactory(new Dictionary<string, string?>
        {
            ["Auth:ApiKeys:0:Name"] = "example-admin", ["Auth:ApiKeys:0:Hash"] = published, ["Auth:ApiKeys:0:Scopes:0"] = "admin",
        });

        var error = Assert.Throws<OptionsValidationException>(() => factory.CreateClient());

        Assert.Contains("Auth:ApiKeys:0:Hash", error.Message);
        Assert.Contains("openssl rand -hex 32", error.Message);
    }

    [Theory]
    [InlineData("open")]
    [InlineData("system")]
    public void AConfiguredKeyMayNotTakeANameTheAuditTrailUses(string name)
    {
        using var factory = new ApiFactory(ApiKeys.Configure(0, name, "some-configured-key", "admin").ToDictionary());

        var error = Assert.Throws<OptionsValidationException>(() => factory.CreateClient());

        Assert.Contains($"'{name}'", error.Message);
    }

    [Fact]
    public void TwoConfiguredKeysWithOneNameRefuseToStart()
    {
        using var factory = new ApiFactory(ApiKeys.Configure(0, "ops", "first-key-of-ops", "admin")
            .Concat(ApiKeys.Configure(1, "ops", "second-key-of-ops", "predict")).ToDictionary());

        var error = Assert.Throws<OptionsValidationException>(() => factory.CreateClient());

        Assert.Contains("'ops' 2 times", error.Message);
    }
}
