using ActorNet.Hosting;

namespace ActorNet.Http.Hosting;

/// <summary>
/// What <see cref="ActorNetHttpHostingExtensions.AddActorNetHttp"/> hands back: pass <see cref="Attach"/> to
/// <c>ActorNetOptions.OnStarted</c> so that the operations server learns of the running service.
/// </summary>
public sealed class ActorNetHttpHost
{
    private readonly TaskCompletionSource<ActorNetService> _service = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource<Uri> _address = new(TaskCreationOptions.RunContinuationsAsynchronously);

    internal ActorNetHttpHost()
    {
    }

    internal Task<ActorNetService> Service => _service.Task;

    /// <summary>Completes with the bound address once the server listens (the actual port when configured with 0).</summary>
    public Task<Uri> Address => _address.Task;

    /// <summary>The <c>ActorNetOptions.OnStarted</c> callback.</summary>
    public void Attach(ActorNetService service) => _service.TrySetResult(service);

    internal void Listening(Uri address) => _address.TrySetResult(address);

    internal void Failed(Exception error) => _address.TrySetException(error);
}
