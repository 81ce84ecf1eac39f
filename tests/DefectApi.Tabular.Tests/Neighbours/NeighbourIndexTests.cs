using DefectApi.Tabular.Neighbours;

namespace DefectApi.Tabular.Tests.Neighbours;

public class NeighbourIndexTests
{
    [Fact]
    public void TheVectorisedDistanceMatchesThePlainLoopForEveryLengthAndTail()
    {
        var random = new Random(3);
        for (int length = 0; length <= 70; length++)
        {
            var x = Enumerable.Range(0, length).Select(_ => (float)(random.NextDouble() * 20 - 10)).ToArray();
            var y = Enumerable.Range(0, length).Select(_ => (float)(random.NextDouble() * 20 - 10)).ToArray();

            double expected = NeighbourIndex.SquaredDistanceNaive(x, y);

            Assert.Equal(expected, NeighbourIndex.SquaredDistance(x, y), 1e-5 * Math.Max(1, expected));
        }
    }

    [Fact]
    public void SearchFindsWhatSortingEveryDistanceFindsWithTheLowerRowFirstOnTies()
    {
        // Coordinates of 0, 1 and 2 make many exactly equal distances, so the order of ties is tested as well.
        var random = new Random(8);
        const int rows = 300, width = 13, k = 7;
        var stored = Enumerable.Range(0, rows * width).Select(_ => (float)random.Next(3)).ToArray();
        var index = new NeighbourIndex(stored, width, new double[rows], 1);
        var nearest = new int[k];
        var distances = new float[k];
        for (int q = 0; q < 20; q++)
        {
            var query = Enumerable.Range(0, width).Select(_ => (float)random.Next(3)).ToArray();

            int found = index.Search(query, nearest, distances);

            var expected = Enumerable.Range(0, rows)
                .OrderBy(r => NeighbourIndex.SquaredDistanceNaive(query, stored.AsSpan(r * width, width))).ThenBy(r => r).Take(k).ToArray();
            Assert.Equal(k, found);
            Assert.Equal(expected, nearest);
            Assert.Equal(expected.Select(r => (float)NeighbourIndex.SquaredDistanceNaive(query, stored.AsSpan(r * width, width))),
                distances);
        }
    }

    [Fact]
    public void FewerRowsThanAskedForGiveEveryRow()
    {
        var index = new NeighbourIndex([0, 0, 3, 0], 2, [1, 2], 1);
        var nearest = new int[5];
        var distances = new float[5];

        int found = index.Search([2.5f, 0], nearest, distances);

        Assert.Equal(2, found);
        Assert.Equal([1, 0], nearest[..2]);
        Assert.Equal([0.25f, 6.25f], distances[..2]);
    }

    [Fact]
    public void AValueVoteWeighsEachNeighbourByItsInverseDistance()
    {
        // Two rows at distances 1 and 3 from the query, with values 10 and 20.
        var index = new NeighbourIndex([1, 0, 0, 3], 2, [10, 20], 1);
        var nearest = new int[2];
        var distances = new float[2];
        int found = index.Search([0, 0], nearest, distances);
        var vote = new double[1];

        index.Vote(nearest, distances, found, vote);

        double near = 1 / (1 + NeighbourIndex.Epsilon), far = 1 / (3 + NeighbourIndex.Epsilon);
        Assert.Equal((10 * near + 20 * far) / (near + far), vote[0], 12);
    }

    [Fact]
    public void AClassVoteGivesEachClassItsShareOfTheWeightAndAnExactMatchAlmostAll()
    {
        // Classes 2, 0, 0 at distances 0, 1 and 2.
        var index = new NeighbourIndex([0, 1, 2], 1, [2, 0, 0], 3);
        var nearest = new int[3];
        var distances = new float[3];
        int found = index.Search([0], nearest, distances);
        var vote = new double[3];

        index.Vote(nearest, distances, found, vote);

        Assert.Equal(1, vote.Sum(), 12);
        Assert.Equal(0, vote[1]);
        Assert.True(vote[2] > 0.999998, $"the exact match's share {vote[2]}");
    }

    [Fact]
    public void AQueryThatOverflowedHasNoNeighboursAndNoAnswer()
    {
        var index = new NeighbourIndex([0, 1], 1, [0, 1], 1);
        var nearest = new int[2];
        var distances = new float[2];
        var vote = new double[1];

        int found = index.Search([float.NaN], nearest, distances);
        index.Vote(nearest, distances, found, vote);

        Assert.Equal(0, found);
        Assert.True(double.IsNaN(vote[0]));
    }

    [Fact]
    public void AnIndexReadsBackAsWritten()
    {
        var index = new NeighbourIndex([0.5f, -1, 2, 3.25f, 4, 5], 3, [1, 0], 2);
        using var stream = new MemoryStream();
        using (var writer = new BinaryWriter(stream, System.Text.Encoding.UTF8, leaveOpen: true)) index.Write(writer);
        stream.Position = 0;

        var again = NeighbourIndex.Read(new BinaryReader(stream));

        Assert.Equal(index.Rows.ToArray(), again.Rows.ToArray());
        Assert.Equal(index.Targets.ToArray(), again.Targets.ToArray());
        Assert.Equal((3, 2), (again.Width, again.Outputs));
    }
}
