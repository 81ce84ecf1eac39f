namespace DefectApi.Tabular; internal static class Placeholder { }
