using DefectApi.Hosting;

var builder = WebApplication.CreateBuilder(args);
builder.AddDefectApi();

var app = builder.Build();
app.MapDefectApi();
app.Run();

/// <summary>The entry point, visible to the integration tests' WebApplicationFactory.</summary>
public partial class Program;
