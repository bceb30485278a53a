var builder = WebApplication.CreateBuilder(args);

builder.AddServiceDefaults();
builder.AddMailbox();
builder.AddApi();

var app = builder.Build();

app.MapDefaultEndpoints();
app.MapApi();

app.Run();
