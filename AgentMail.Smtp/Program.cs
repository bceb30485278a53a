var builder = WebApplication.CreateBuilder(args);

builder.AddServiceDefaults();
builder.AddMailbox();
builder.AddSmtp();

var app = builder.Build();

app.MapDefaultEndpoints();

app.Run();
