using DriftWatch.Evaluation;

namespace DriftWatch.Evaluation.Tests;

public class MarkdownReportTests
{
    private static string Generated(string body) => $"{MarkdownReport.Begin}\n{body}\n{MarkdownReport.End}\n";

    [Fact]
    public void Merge_NoFile_CreatesReadmeWithTheSection()
    {
        var merged = MarkdownReport.Merge(null, Generated("figures"));

        Assert.StartsWith("# Benchmarks", merged, StringComparison.Ordinal);
        Assert.Contains(MarkdownReport.Heading + "\n\n" + Generated("figures"), merged, StringComparison.Ordinal);
    }

    [Fact]
    public void Merge_ReadmeWithoutSection_AppendsItAndKeepsOtherSections()
    {
        const string existing = "# Benchmarks\n\n## Latest figures\n\nparser table\n";

        var merged = MarkdownReport.Merge(existing, Generated("figures"));

        Assert.StartsWith(existing, merged, StringComparison.Ordinal);
        Assert.EndsWith(MarkdownReport.Heading + "\n\n" + Generated("figures"), merged, StringComparison.Ordinal);
    }

    [Fact]
    public void Merge_SectionPresent_ReplacesOnlyTheGeneratedPart()
    {
        var existing = "# Benchmarks\n\n" + MarkdownReport.Heading + "\n\n" + Generated("old") + "\nNotes.\n\n## Other\n";

        var merged = MarkdownReport.Merge(existing, Generated("new"));

        Assert.Equal("# Benchmarks\n\n" + MarkdownReport.Heading + "\n\n" + Generated("new") + "\nNotes.\n\n## Other\n", merged);
    }
}
