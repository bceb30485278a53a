var builder = WebApplication.CreateBuilder(args);

builder.AddServiceDefaults();
builder.AddMailbox(genericPlans: true);
builder.AddImap();

var app = builder.Build();

app.MapDefaultEndpoints();

app.Run();
