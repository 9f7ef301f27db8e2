using System.Text.Json.Serialization;
using Compliance.Api;
using Compliance.Api.Features.Billing;
using Compliance.Api.Features.Channels;
using Compliance.Api.Features.Demo;
using Compliance.Api.Features.Effectiveness;
using Compliance.Api.Features.Enforcement;
using Compliance.Api.Features.Foundation;
using Compliance.Api.Features.Handling;
using Compliance.Api.Features.Health;
using Compliance.Api.Features.Pages;
using Compliance.Api.Features.People;
using Compliance.Api.Features.Recruitment;
using Compliance.Api.Features.Reporting;
using Compliance.Api.Features.Risk;
using Compliance.Api.Features.WorkerVoice;
using Compliance.Api.Infrastructure.Auth;
using Compliance.Api.Infrastructure.Database;
using Compliance.Api.Infrastructure.Http;
using Compliance.Api.Infrastructure.Jobs;
using Compliance.Api.Infrastructure.Pdf;
using Compliance.Api.Infrastructure.Templates;
using Compliance.Api.Infrastructure.Tenancy;
using Hangfire;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Npgsql;

var builder = WebApplication.CreateBuilder(args);

var databaseOptions = builder.Configuration.GetSection(DatabaseOptions.Section).Get<DatabaseOptions>() ?? new DatabaseOptions();
DatabaseConnections connections;
try
{
    connections = await DatabaseBootstrap.PrepareAsync(builder.Configuration, databaseOptions);
}
catch (PostgresBinariesMissingException ex)
{
    await Console.Error.WriteLineAsync(ex.Message);
    return 1;
}

builder.Services.AddSingleton(connections);
builder.Services.TryAddSingleton(TimeProvider.System);
builder.Services.AddScoped<TenantContext>();
builder.Services.AddSingleton(_ => new NpgsqlDataSourceBuilder(connections.Runtime).Build());
builder.Services.AddDbContext<ComplianceDbContext>(
    (sp, o) => o.UseNpgsql(sp.GetRequiredService<NpgsqlDataSource>())
        .UseSnakeCaseNamingConvention()
        .AddInterceptors(new TenantTransactionInterceptor(), new TransactionPrologueInterceptor()),
    optionsLifetime: ServiceLifetime.Singleton);
builder.Services.AddSingleton<ModelInserts>();

builder.Services.AddOptions<ApiKeyCacheOptions>().BindConfiguration(ApiKeyCacheOptions.Section)
    .Validate(o => o.KeyCacheSeconds >= 0, "Auth:KeyCacheSeconds must not be negative.").ValidateOnStart();
builder.Services.AddSingleton<ApiKeyCache>();
builder.Services.AddHostedService<ApiKeyChangeListener>();
// The default scheme is People's: a bearer key goes to this handler, anything else to a person's session cookie.
builder.Services.AddAuthentication()
    .AddScheme<AuthenticationSchemeOptions, ApiKeyAuthenticationHandler>(ApiKeyAuthenticationHandler.SchemeName, null);
Policies.Add(builder.Services.AddAuthorizationBuilder());
builder.Services.AddSingleton<Microsoft.AspNetCore.Authorization.IAuthorizationHandler, SecondFactorHandler>();
builder.Services.AddSingleton<Microsoft.AspNetCore.Authorization.IAuthorizationHandler, OfficeSecondFactorHandler>();
builder.Services.AddSingleton<Microsoft.AspNetCore.Authorization.IAuthorizationMiddlewareResultHandler, HidingAuthorizationResultHandler>();

builder.Services.AddProblemDetails();
builder.Services.AddExceptionHandler<ProblemDetailsExceptionHandler>();
builder.Services.Configure<RouteHandlerOptions>(o => o.ThrowOnBadRequest = true);
builder.Services.ConfigureHttpJsonOptions(o =>
{
    o.SerializerOptions.UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow;
    o.SerializerOptions.DefaultIgnoreCondition = JsonIgnoreCondition.Never;
});
builder.WebHost.ConfigureKestrel(o => o.Limits.MaxRequestBodySize = RequestBodyLimitMiddleware.DefaultLimit);

builder.Services.AddClientAddresses(builder.Configuration);
builder.Services.AddRateLimiter(o => o.RejectionStatusCode = StatusCodes.Status429TooManyRequests);

builder.Services.AddOpenApi();
builder.Services.AddHealthChecks().AddCheck<DatabaseHealthCheck>("database", tags: ["ready"]);
builder.Services.AddJobs(builder.Configuration, connections);
builder.Services.AddOperations();
builder.Services.AddOptions<TemplateOptions>().BindConfiguration(TemplateOptions.Section);
builder.Services.AddSingleton<TemplateStore>();
builder.Services.AddPdfPrinting();

builder.Services.AddFoundation(builder.Configuration);
builder.Services.AddHandling();
builder.Services.AddRecruitment(builder.Configuration);
builder.Services.AddWorkerVoice(builder.Configuration);
builder.Services.AddChannels();
builder.Services.AddEffectiveness();
builder.Services.AddRisk(builder.Configuration);
builder.Services.AddEnforcement();
builder.Services.AddReporting(builder.Configuration);
builder.Services.AddBilling(builder.Configuration);
builder.Services.AddPeople(builder.Configuration);
builder.Services.AddConsolePages();

var app = builder.Build();

if (connections.Embedded is { } embedded)
{
    app.Lifetime.ApplicationStopped.Register(embedded.Stop);
}

app.UseClientAddresses();
app.UseSecureContext();
app.UseExceptionHandler();
app.UseStatusCodePages();
app.UseRouting();
app.UseMiddleware<RequestBodyLimitMiddleware>();
app.UseRateLimiter();
app.UseAuthentication();
app.UsePersonScope();
app.UseAuthorization();
app.UseAntiforgery();

app.MapOpenApi();
app.UseSwaggerUI(o =>
{
    o.SwaggerEndpoint("/openapi/v1.json", "Compliance API v1");
    o.RoutePrefix = "docs";
    o.DocumentTitle = "Compliance API";
});
app.MapHealthChecks("/health/live", new HealthCheckOptions { Predicate = _ => false });
app.MapHealthChecks("/health/ready", new HealthCheckOptions { Predicate = c => c.Tags.Contains("ready") });

// Pipeline pieces of the areas that need them: the worker path's headers, the OData request scope.
app.UseWorkerVoice();
app.UseReporting();

var api = app.MapGroup("/api/v1").AddEndpointFilter<ValidationFilter>();
api.MapFoundation();
api.MapHandling();
api.MapRecruitment();
api.MapWorkerVoice();
api.MapChannelNumbers();
api.MapEffectiveness();
api.MapRisk();
api.MapEnforcement();
api.MapBilling();
api.MapTenantJobs();
api.MapPeople();
app.MapWorkerPages();
app.MapChannels();
app.MapDossierKeys();
app.MapConsolePages();

app.MapJobs();
RecurringJobs.Register(app.Services.GetRequiredService<IRecurringJobManager>(), app.Configuration);
app.SeedDemoData();

await app.RunAsync();
return 0;

/// <summary>Entry point, visible to WebApplicationFactory.</summary>
public partial class Program;
