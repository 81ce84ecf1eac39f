// Each class starts a service and a browser; on a small machine they are faster one after another than side by side,
// and a training job's timing does not then depend on another class's load.
[assembly: CollectionBehavior(DisableTestParallelization = true)]
