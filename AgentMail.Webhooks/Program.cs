var builder = WebApplication.CreateBuilder(args);

builder.AddServiceDefaults();
builder.AddMailbox();
builder.AddWebhooks();

var app = builder.Build();

app.MapDefaultEndpoints();

app.Run();

/// <summary>
/// Internal on purpose: the test project references this assembly (to host the dispatcher in
/// process) beside the API's, whose public Program its WebApplicationFactory tests use.
/// </summary>
internal partial class Program;
