using DefectApi.Hosting;

var builder = WebApplication.CreateBuilder(args);
builder.AddDefectApi();

var app = builder.Build();
app.MapDefectApi();
app.Run();
