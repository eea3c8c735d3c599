package app.splitline.shell.push

import kotlinx.coroutines.sync.Mutex
import kotlinx.coroutines.sync.withLock

/** The distributor side, as the app reaches it (broadcast intents on Android). */
interface DistributorLink {
    /** The installed distributors' packages. */
    fun installed(): List<String>

    /** Sends REGISTER for [token] with the gateway's [vapidKey] to [distributor]. */
    fun register(distributor: String, token: String, vapidKey: String)

    /** Sends UNREGISTER for [token] to [distributor]. */
    fun unregister(distributor: String, token: String)

    /** Sends MESSAGE_ACK for [messageId] to [distributor]. */
    fun acknowledge(distributor: String, token: String, messageId: String)
}

/** Where [PushState] is kept between runs. */
interface PushStateStore {
    /** The state saved last (the empty state at first). */
    fun load(): PushState

    /** Saves [state]. */
    fun save(state: PushState)
}

/**
 * Runs push: each [PushEvent] through [PushSetup], then its steps, one event
 * at a time. Gateway steps that fail (offline, no push at this gateway) are
 * retried by the next [PushEvent.Installed]; [sync] runs the core's
 * `sync_once`. [handle] returns what the user should be told (empty: nothing).
 */
class PushController(
    private val gateway: PushGateway,
    private val distributors: DistributorLink,
    private val store: PushStateStore,
    private val setup: PushSetup,
    private val sync: suspend () -> Unit,
) {
    private val turn = Mutex()

    /** The state now. */
    fun state(): PushState = store.load()

    /** Handles [event]; returns the problems to show. */
    suspend fun handle(event: PushEvent): List<String> =
        turn.withLock {
            val (next, steps) = setup.on(store.load(), event)
            store.save(next)
            steps.mapNotNull { run(it) }
        }

    /** The user picked [distributor] (null: push off). */
    suspend fun pick(distributor: String?): List<String> = handle(PushEvent.Picked(distributor, distributors.installed()))

    /** At start or after a package change: follows an uninstalled distributor, retries what is pending. */
    suspend fun resume(): List<String> = handle(PushEvent.Installed(distributors.installed()))

    private suspend fun run(step: PushStep): String? =
        when (step) {
            is PushStep.AskDistributor ->
                gateway.settings().fold(
                    onSuccess = {
                        distributors.register(step.distributor, step.token, it.vapidKey)
                        null
                    },
                    onFailure = { "push needs the gateway to register (${it.message}); it is tried again later" },
                )
            is PushStep.ReleaseDistributor -> distributors.unregister(step.distributor, step.token).let { null }
            is PushStep.Acknowledge -> distributors.acknowledge(step.distributor, step.token, step.messageId).let { null }
            is PushStep.RegisterAtGateway ->
                gateway.register(step.endpoint).fold(
                    onSuccess = {
                        recordAtGateway(step.endpoint.url)
                        null
                    },
                    onFailure = { "the gateway did not take the push endpoint (${it.message}); it is tried again later" },
                )
            PushStep.UnregisterAtGateway ->
                gateway.unregister().fold(
                    onSuccess = {
                        recordAtGateway(null)
                        null
                    },
                    // Its registration goes anyway once the push service reports the endpoint gone.
                    onFailure = { null },
                )
            PushStep.Sync -> sync().let { null }
            is PushStep.Degraded -> step.why
        }

    private fun recordAtGateway(endpoint: String?) {
        val (next, _) = setup.on(store.load(), PushEvent.AtGateway(endpoint))
        store.save(next)
    }
}
