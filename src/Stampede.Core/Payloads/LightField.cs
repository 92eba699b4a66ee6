namespace Stampede;

/// <summary>
/// A smooth random field over an image (value noise: a coarse grid of random levels, interpolated
/// with smoothstep), used as uneven light. Integer arithmetic only, so it is the same on every machine.
/// </summary>
internal sealed class LightField
{
    private const int One = 256;

    private static readonly int[] Smooth = BuildSmoothstep();

    private readonly int[] _grid;
    private readonly int _columns;
    private readonly int _rows;
    private readonly int _height;
    private readonly int[] _cellOfX;
    private readonly int[] _weightOfX;
    private readonly int[] _blend;

    /// <param name="random">Source of the grid's levels.</param>
    /// <param name="width">Image width, pixels.</param>
    /// <param name="height">Image height, pixels.</param>
    /// <param name="cells">Grid cells along the image's longer side.</param>
    /// <param name="strength">Largest change of gain, in 1/256ths (64 = ±25%).</param>
    public LightField(Random random, int width, int height, int cells, int strength)
    {
        _columns = 1 + Math.Max(1, width >= height ? cells : cells * width / height);
        _rows = 1 + Math.Max(1, height >= width ? cells : cells * height / width);
        _height = height;
        _grid = new int[_columns * _rows];
        for (int i = 0; i < _grid.Length; i++)
        {
            _grid[i] = random.Next(-strength, strength + 1);
        }

        _cellOfX = new int[width];
        _weightOfX = new int[width];
        for (int x = 0; x < width; x++)
        {
            (_cellOfX[x], _weightOfX[x]) = Locate(x, width, _columns);
        }

        _blend = new int[_columns];
    }

    /// <summary>Writes the field's value at each pixel of row <paramref name="y"/>, in 1/256ths of gain.</summary>
    public void Row(int y, int[] values)
    {
        (int cell, int weight) = Locate(y, _height, _rows);
        int top = cell * _columns;
        int bottom = Math.Min(cell + 1, _rows - 1) * _columns;
        for (int c = 0; c < _columns; c++)
        {
            _blend[c] = (_grid[top + c] * (One - weight)) + (_grid[bottom + c] * weight);
        }

        for (int x = 0; x < values.Length; x++)
        {
            int c = _cellOfX[x];
            int w = _weightOfX[x];
            int right = Math.Min(c + 1, _columns - 1);
            values[x] = ((_blend[c] * (One - w)) + (_blend[right] * w)) / (One * One);
        }
    }

    /// <summary>The grid cell holding pixel <paramref name="position"/> and the smoothstepped weight of the next cell, 0 to 256.</summary>
    private static (int Cell, int Weight) Locate(int position, int length, int points)
    {
        long scaled = length <= 1 ? 0 : (long)position * (points - 1) * One / (length - 1);
        return ((int)(scaled / One), Smooth[(int)(scaled % One)]);
    }

    private static int[] BuildSmoothstep()
    {
        var table = new int[One];
        for (int f = 0; f < One; f++)
        {
            // 3t² − 2t³ in 1/256ths: flat at the grid points, so no creases where cells meet.
            table[f] = (int)((3L * f * f * One - 2L * f * f * f) / (One * One));
        }

        return table;
    }
}
