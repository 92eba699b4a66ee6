using Stampede.Tool;

return await StampedeTool.RunAsync(args);
