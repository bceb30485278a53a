var builder = WebApplication.CreateBuilder(args);

builder.AddServiceDefaults();
builder.AddMailbox();
builder.AddWebhooks();

var app = builder.Build();

app.MapDefaultEndpoints();

app.Run();
