using System.Collections.Concurrent;
using System.Threading.Channels;

namespace DefectApi.Training;

public abstract record JobEvent;
public sealed record JobProgressEvent(ProgressResponse Progress) : JobEvent;
public sealed record JobFinishedEvent : JobEvent;

/// <summary>Fans a running job's epochs out to the clients following its event stream.</summary>
public sealed class JobEvents
{
    readonly ConcurrentDictionary<Guid, ConcurrentDictionary<Channel<JobEvent>, byte>> _listeners = new();

    public sealed class Subscription(JobEvents owner, Guid jobId, Channel<JobEvent> channel) : IDisposable
    {
        public ChannelReader<JobEvent> Reader => channel.Reader;
        public void Dispose() => owner.Remove(jobId, channel);
    }

    public Subscription Subscribe(Guid jobId)
    {
        // A slow client loses intermediate epochs, never the newest one or the end.
        var channel = Channel.CreateBounded<JobEvent>(new BoundedChannelOptions(256) { FullMode = BoundedChannelFullMode.DropOldest });
        _listeners.GetOrAdd(jobId, _ => new()).TryAdd(channel, 0);
        return new Subscription(this, jobId, channel);
    }

    public void Publish(Guid jobId, JobEvent jobEvent)
    {
        if (!_listeners.TryGetValue(jobId, out var channels)) return;
        foreach (var channel in channels.Keys) channel.Writer.TryWrite(jobEvent);
    }

    void Remove(Guid jobId, Channel<JobEvent> channel)
    {
        if (_listeners.TryGetValue(jobId, out var channels)) channels.TryRemove(channel, out _);
    }
}
