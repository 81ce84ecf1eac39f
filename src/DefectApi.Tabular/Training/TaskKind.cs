namespace DefectApi.Tabular.Training;

public enum TaskKind { Auto, Binary, Multiclass, Regression }
