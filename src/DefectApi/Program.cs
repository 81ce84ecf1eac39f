using DefectApi.Commands;
using DefectApi.Hosting;

if (MaintenanceCommands.Requested(args))
    return await MaintenanceCommands.RunAsync(args, Console.Out, Console.Error);

var builder = WebApplication.CreateBuilder(ContentRoot.Options(args));
builder.AddDefectApi();

var app = builder.Build();
app.MapDefectApi();
app.Run();
return 0;
