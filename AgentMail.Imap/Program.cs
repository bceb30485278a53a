var builder = WebApplication.CreateBuilder(args);

builder.AddServiceDefaults();
builder.AddMailbox();
builder.AddImap();

var app = builder.Build();

app.MapDefaultEndpoints();

app.Run();
