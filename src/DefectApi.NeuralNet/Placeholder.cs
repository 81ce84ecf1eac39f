namespace DefectApi.NeuralNet; internal static class Placeholder { }
