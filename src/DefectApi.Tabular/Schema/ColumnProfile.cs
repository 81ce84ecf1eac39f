namespace DefectApi.Tabular.Schema;

public enum ColumnType { Numeric, Categorical, Boolean, Datetime, Identifier, Constant }

public sealed record ValueCount(string Value, long Count);

public sealed record ColumnProfile(string Name, ColumnType Type, long Missing, long Distinct, double? Min, double? Max,
                                   double? Mean, double? Std, IReadOnlyList<ValueCount> TopValues);
