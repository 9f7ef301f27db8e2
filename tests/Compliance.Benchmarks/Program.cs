using System.Reflection;

namespace Compliance.Benchmarks;

/// <summary><c>dotnet run -c Release --project tests/Compliance.Benchmarks -- &lt;name&gt; [--option value ...]</c></summary>
public static class BenchmarkRunner
{
    public static async Task<int> Main(string[] args)
    {
        var benchmarks = Assembly.GetExecutingAssembly().GetTypes()
            .Where(t => typeof(IBenchmark).IsAssignableFrom(t) && t is { IsAbstract: false, IsInterface: false })
            .Select(t => (IBenchmark)Activator.CreateInstance(t)!)
            .OrderBy(b => b.Name, StringComparer.Ordinal)
            .ToList();

        if (args.Length == 0 || benchmarks.All(b => b.Name != args[0]))
        {
            Console.WriteLine("usage: Compliance.Benchmarks <name> [--option value ...]");
            foreach (var b in benchmarks)
            {
                Console.WriteLine($"  {b.Name,-12} {b.Description}");
            }

            return args.Length == 0 ? 0 : 2;
        }

        await benchmarks.Single(b => b.Name == args[0]).RunAsync(BenchOptions.Parse(args[1..]));
        return 0;
    }
}
