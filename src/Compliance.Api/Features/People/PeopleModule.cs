using System.Threading.RateLimiting;
using Compliance.Api.Infrastructure.Auth;
using Compliance.Api.Infrastructure.Database;
using Compliance.Api.Infrastructure.Http;
using Compliance.Api.Infrastructure.Tenancy;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Compliance.Api.Features.People;

/// <summary>
/// People who sign in (issue #18): ASP.NET Core Identity on our PostgreSQL, a cookie session beside API keys under one
/// policy set, members and one-time setup codes, and the console's pages.
/// </summary>
public static class PeopleModule
{
    /// <summary>The default scheme: a bearer key goes to <see cref="ApiKeyAuthenticationHandler"/>, anything else to the cookie.</summary>
    public const string KeyOrCookieScheme = "KeyOrCookie";

    public const string CookieName = "__Host-compliance";

    public static IServiceCollection AddPeople(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        services.AddSingleton(sp => IdentityStoreDataSource.Build(sp.GetRequiredService<DatabaseConnections>().Runtime));
        services.AddDbContext<IdentityStoreContext>(
            (sp, o) => o.UseNpgsql(sp.GetRequiredService<IdentityStoreDataSource>().DataSource).UseSnakeCaseNamingConvention(),
            optionsLifetime: ServiceLifetime.Singleton);

        services.AddAuthentication(o =>
            {
                o.DefaultScheme = KeyOrCookieScheme;
                o.DefaultChallengeScheme = KeyOrCookieScheme;
                o.DefaultForbidScheme = KeyOrCookieScheme;
            })
            .AddPolicyScheme(KeyOrCookieScheme, "API key or person's session", o => o.ForwardDefaultSelector = http =>
                http.Request.Headers.Authorization.ToString().StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase) || !TakesSessions(http.Request.Path)
                    ? ApiKeyAuthenticationHandler.SchemeName
                    : IdentityConstants.ApplicationScheme)
            .AddIdentityCookies(cookies =>
            {
                cookies.ApplicationCookie!.Configure(ConfigureSessionCookie);
                cookies.TwoFactorUserIdCookie!.Configure(o =>
                {
                    o.Cookie.Name = CookieName + "-2fa";
                    HostOnly(o.Cookie);
                });
            });

        services.AddIdentityCore<Person>(o =>
            {
                o.User.RequireUniqueEmail = true;
                o.User.AllowedUserNameCharacters = string.Empty; // the user name is the email, validated as one
                o.Password.RequiredLength = 12;
                o.Password.RequireDigit = false;
                o.Password.RequireLowercase = false;
                o.Password.RequireUppercase = false;
                o.Password.RequireNonAlphanumeric = false;
                o.Password.RequiredUniqueChars = 4;
                o.Lockout.AllowedForNewUsers = true;
                o.Lockout.MaxFailedAccessAttempts = 5;
                o.Lockout.DefaultLockoutTimeSpan = TimeSpan.FromMinutes(15);
                o.SignIn.RequireConfirmedAccount = false;

                // Schema version 3 adds passkeys (person_passkeys, migration 021).
                o.Stores.SchemaVersion = IdentitySchemaVersions.Version3;
            })
            .AddEntityFrameworkStores<IdentityStoreContext>()
            .AddSignInManager<PersonSignInManager>()
            .AddClaimsPrincipalFactory<PersonClaimsFactory>()
            .AddDefaultTokenProviders();

        // Passkeys (WebAuthn, issue #18). The relying party is the request's host unless People:PasskeyServerDomain names
        // it (behind a proxy that rewrites Host, or to share passkeys across subdomains); the origin a browser reports
        // must match the request's Origin header, Identity's default. User verification (a PIN or biometric on the
        // device) is required, so a passkey is two factors in one; a discoverable credential lets sign-in start without
        // an email. The handler is registered here because AddIdentityCore, unlike AddIdentity, leaves it out.
        var passkeyDomain = configuration["People:PasskeyServerDomain"];
        services.Configure<IdentityPasskeyOptions>(o =>
        {
            o.ServerDomain = string.IsNullOrWhiteSpace(passkeyDomain) ? null : passkeyDomain.Trim();
            o.UserVerificationRequirement = "required";
            o.ResidentKeyRequirement = "required";
        });
        services.TryAddScoped<IPasskeyHandler<Person>, PasskeyHandler<Person>>();

        // Asked for by the issue, and read by Identity's own validator wherever it still runs (the two-factor cookie);
        // the session cookie is checked on every request by SessionRules, which also refuses disabled people.
        services.Configure<SecurityStampValidatorOptions>(o => o.ValidationInterval = TimeSpan.Zero);

        services.AddAntiforgery(o =>
        {
            o.Cookie.Name = CookieName + "-af";
            HostOnly(o.Cookie);
        });

        services.AddAuthorizationBuilder().AddPolicy(ConsolePages.ConsolePolicy, p => p
            .AddAuthenticationSchemes(IdentityConstants.ApplicationScheme)
            .RequireAuthenticatedUser()
            .RequireClaim(PersonClaims.PersonId));

        services.AddScoped<PersonAccounts>();
        services.TryAddScoped<IPersonEvents, NoPersonEvents>();
        services.AddSingleton<DummyPassword>();
        services.AddSingleton<OfficeLinks>();
        services.AddHttpContextAccessor();

        // Credential forms: attempts per client (an IPv4 address or IPv6 /64 behind configured proxies, held in memory
        // only), besides the per-account lockout; the rejection is a page, not a problem document.
        var perMinute = configuration.GetValue("People:SignInAttemptsPerMinute", 10);
        services.Configure<RateLimiterOptions>(o =>
        {
            o.AddPolicy(ConsolePages.AttemptsRateLimit, http => RateLimitPartition.GetFixedWindowLimiter(
                ClientAddresses.Key(http),
                _ => new FixedWindowRateLimiterOptions { PermitLimit = perMinute, Window = TimeSpan.FromMinutes(1) }));
            var previous = o.OnRejected;
            o.OnRejected = (context, ct) =>
                context.HttpContext.Request.Path.StartsWithSegments(ConsolePages.Home, StringComparison.OrdinalIgnoreCase)
                    ? new ValueTask(ConsolePages.WriteTooManyAttemptsAsync(context.HttpContext, ct))
                    : previous?.Invoke(context, ct) ?? ValueTask.CompletedTask;
        });
        return services;
    }

    /// <summary>
    /// Where a person's session means anything: the API, the OData feed and the console. Not the worker path (its pages
    /// and the intake API take no cookie, DNH-10, and run under the intake code's tenant), health, docs or the dashboard;
    /// there the cookie is not even read.
    /// </summary>
    public static bool TakesSessions(PathString path) =>
        path.StartsWithSegments(ConsolePages.Home, StringComparison.OrdinalIgnoreCase)
        || path.StartsWithSegments("/odata", StringComparison.OrdinalIgnoreCase)
        || (path.StartsWithSegments("/api/v1", StringComparison.OrdinalIgnoreCase) && !path.StartsWithSegments("/api/v1/intake", StringComparison.OrdinalIgnoreCase));

    private static void ConfigureSessionCookie(CookieAuthenticationOptions o)
    {
        o.Cookie.Name = CookieName;
        HostOnly(o.Cookie);
        o.ExpireTimeSpan = SessionRules.IdleTimeout;
        o.SlidingExpiration = true;
        o.LoginPath = ConsolePages.SignIn;
        o.LogoutPath = ConsolePages.SignOut;
        o.AccessDeniedPath = ConsolePages.SignIn;
        o.Events = new CookieAuthenticationEvents
        {
            OnValidatePrincipal = SessionRules.ValidateAsync,

            // Only the console's pages send a browser to sign in; the API answers 401 and 403 as it does for keys.
            OnRedirectToLogin = context => Redirect(context, ConsolePages.SignIn, StatusCodes.Status401Unauthorized),
            OnRedirectToAccessDenied = ForbiddenAsync,
            OnRedirectToLogout = context => Redirect(context, ConsolePages.SignIn, StatusCodes.Status401Unauthorized),
            OnRedirectToReturnUrl = context => Redirect(context, ConsolePages.Home, StatusCodes.Status401Unauthorized),
        };
    }

    /// <summary>
    /// A signed-in person on a page their role (or their sign-in) does not allow: a 403 page on the console, saying so
    /// and nothing about what is behind it; a plain 403 on the API.
    /// </summary>
    private static Task ForbiddenAsync(RedirectContext<CookieAuthenticationOptions> context)
    {
        if (!context.Request.Path.StartsWithSegments(ConsolePages.Home, StringComparison.OrdinalIgnoreCase))
        {
            context.Response.StatusCode = StatusCodes.Status403Forbidden;
            return Task.CompletedTask;
        }

        ConsolePages.SetHeaders(context.Response);
        var strings = context.HttpContext.RequestServices.GetRequiredService<Pages.ConsoleStrings>();
        return Pages.ConsoleView.Page(context.HttpContext, strings["forbidden_title"], "forbidden", new { }, StatusCodes.Status403Forbidden)
            .ExecuteAsync(context.HttpContext);
    }

    private static Task Redirect(RedirectContext<CookieAuthenticationOptions> context, string page, int apiStatus)
    {
        if (context.Request.Path.StartsWithSegments(ConsolePages.Home, StringComparison.OrdinalIgnoreCase))
        {
            context.Response.StatusCode = StatusCodes.Status303SeeOther;
            context.Response.Headers.Location = page;
        }
        else
        {
            context.Response.StatusCode = apiStatus;
        }

        return Task.CompletedTask;
    }

    /// <summary><c>__Host-</c> cookies: Secure always, no Domain, Path=/; also HttpOnly and SameSite=Strict.</summary>
    private static void HostOnly(CookieBuilder cookie)
    {
        cookie.SecurePolicy = CookieSecurePolicy.Always;
        cookie.HttpOnly = true;
        cookie.SameSite = SameSiteMode.Strict;
        cookie.Path = "/";
        cookie.Domain = null;
    }

    /// <summary>After authentication: a person's session sets the unit of work's tenant or office, as a key does.</summary>
    public static WebApplication UsePersonScope(this WebApplication app)
    {
        app.UseMiddleware<PersonScopeMiddleware>();
        return app;
    }

    public static RouteGroupBuilder MapPeople(this RouteGroupBuilder api) => api.MapMembers();

    /// <summary>The console's pages (<c>/console/...</c>), outside the API's route group.</summary>
    public static WebApplication MapConsolePages(this WebApplication app)
    {
        ConsolePages.Map(app);
        return app;
    }
}
