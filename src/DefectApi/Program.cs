using DefectApi.Data;
using DefectApi.Hosting;

var builder = WebApplication.CreateBuilder(DatabaseCopyCommand.Requested(args) ? [] : args);
if (DatabaseCopyCommand.Requested(args))
    return await DatabaseCopyCommand.RunAsync(builder.AddTopLevelSettings().Configuration, args, Console.Out);
builder.AddDefectApi();

var app = builder.Build();
app.MapDefectApi();
app.Run();
return 0;
