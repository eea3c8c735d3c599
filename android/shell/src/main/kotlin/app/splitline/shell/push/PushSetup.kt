package app.splitline.shell.push

/**
 * What the app keeps of its push setup between runs. [distributor] is the
 * user's pick (a distributor app's package; null: push is off), [token] the
 * connection token the app made for it, [endpoint] what the distributor last
 * handed back, [keys] the subscription's keys, and [atGateway] the endpoint
 * the gateway has (null: none, or not yet).
 */
data class PushState(
    val distributor: String? = null,
    val token: String? = null,
    val endpoint: String? = null,
    val keys: WebPushKeys? = null,
    val atGateway: String? = null,
) {
    /** Whether the gateway has this device's current endpoint: pushes come. */
    val registered: Boolean get() = endpoint != null && atGateway == endpoint

    override fun toString(): String =
        "PushState(distributor=$distributor, token=${token?.let { "…" }}, endpoint=${endpoint?.let { "…" }}, registered=$registered)"
}

/** What happens to push: the user's choices, the distributor's intents, the gateway's answers. */
sealed class PushEvent {
    /** The user picked [distributor] among the [installed] ones, or turned push off (null). */
    data class Picked(val distributor: String?, val installed: List<String>) : PushEvent()

    /** The distributors installed now (at start, or after a package change); also retries what is pending. */
    data class Installed(val installed: List<String>) : PushEvent()

    /** NEW_ENDPOINT: the distributor's endpoint for [token]. */
    data class NewEndpoint(val token: String, val endpoint: String) : PushEvent()

    /** REGISTRATION_FAILED for [token]. */
    data class RegistrationFailed(val token: String, val reason: String?) : PushEvent()

    /** UNREGISTERED: the distributor ended [token]'s registration. */
    data class Unregistered(val token: String) : PushEvent()

    /** MESSAGE for [token], with the id to acknowledge if the distributor gave one. */
    data class Message(val token: String, val messageId: String?) : PushEvent()

    /** The gateway took [endpoint] (or, with null, forgot this device's). */
    data class AtGateway(val endpoint: String?) : PushEvent()
}

/** What the app does next. */
sealed class PushStep {
    /** Send REGISTER for [token] to [distributor], with the gateway's VAPID key (fetched first). */
    data class AskDistributor(val distributor: String, val token: String) : PushStep()

    /** Send UNREGISTER for [token] to [distributor]. */
    data class ReleaseDistributor(val distributor: String, val token: String) : PushStep()

    /** Hand the gateway [endpoint] (replacing any earlier one). */
    data class RegisterAtGateway(val endpoint: PushEndpoint) : PushStep()

    /** Remove this device's registration at the gateway. */
    data object UnregisterAtGateway : PushStep()

    /** Send MESSAGE_ACK for [messageId] to [distributor]. */
    data class Acknowledge(val distributor: String, val token: String, val messageId: String) : PushStep()

    /** Fetch what is new (`sync_once`): what a push means, and what may have been missed meanwhile. */
    data object Sync : PushStep()

    /** Tell the user: push does not work now, and why; the app syncs while it is open. */
    data class Degraded(val why: String) : PushStep()
}

/** The next state and steps; [newToken] and [newKeys] make a registration's token and keys. */
class PushSetup(
    private val newToken: () -> String,
    private val newKeys: () -> WebPushKeys = { WebPushKeys.generate() },
) {
    /** The state after [event] in [state], and what to do. An intent for a token the app did not make is ignored. */
    fun on(state: PushState, event: PushEvent): Pair<PushState, List<PushStep>> =
        when (event) {
            is PushEvent.Picked -> picked(state, event)
            is PushEvent.Installed -> installed(state, event.installed)
            is PushEvent.NewEndpoint -> ifOurs(state, event.token) { newEndpoint(state, event.endpoint) }
            is PushEvent.RegistrationFailed -> ifOurs(state, event.token) { distributor ->
                val why = event.reason?.let { " ($it)" }.orEmpty()
                // The pick stays: the next start asks the distributor again.
                ended("$distributor could not register the app for push$why; pick it again or another")
                    .let { (next, steps) -> next.copy(distributor = distributor) to steps }
            }
            is PushEvent.Unregistered -> ifOurs(state, event.token) { distributor ->
                ended("$distributor ended the app's push registration; pick a distributor again")
            }
            is PushEvent.Message -> ifOurs(state, event.token) { distributor ->
                val ack = event.messageId?.let { listOf(PushStep.Acknowledge(distributor, event.token, it)) }.orEmpty()
                state to ack + PushStep.Sync
            }
            is PushEvent.AtGateway -> state.copy(atGateway = event.endpoint) to emptyList()
        }

    private fun picked(state: PushState, event: PushEvent.Picked): Pair<PushState, List<PushStep>> {
        val pick = event.distributor
        if (pick != null && pick !in event.installed) {
            return state to listOf(PushStep.Degraded("$pick is not installed"))
        }
        if (pick == state.distributor && state.token != null) return state to emptyList()
        val release = release(state)
        if (pick == null) return PushState() to release + PushStep.UnregisterAtGateway
        // The gateway keeps the old endpoint until the new one replaces it.
        val token = newToken()
        val next = PushState(distributor = pick, token = token, keys = newKeys(), atGateway = state.atGateway)
        return next to release + PushStep.AskDistributor(pick, token)
    }

    private fun installed(state: PushState, installed: List<String>): Pair<PushState, List<PushStep>> {
        val distributor = state.distributor ?: return state to emptyList()
        if (distributor !in installed) {
            // Its registration went with it: nothing to release there.
            return ended("$distributor was uninstalled; push is off until you pick a distributor")
        }
        return when {
            state.token == null -> picked(state.copy(distributor = null), PushEvent.Picked(distributor, installed))
            state.endpoint == null -> state to listOf(PushStep.AskDistributor(distributor, state.token))
            !state.registered -> newEndpoint(state, state.endpoint)
            else -> state to emptyList()
        }
    }

    private fun newEndpoint(state: PushState, endpoint: String): Pair<PushState, List<PushStep>> {
        val keys = state.keys ?: newKeys()
        val next = state.copy(endpoint = endpoint, keys = keys)
        if (next.registered) return next to emptyList()
        // Anything sent while the gateway had no (or an old) endpoint is fetched now.
        return next to listOf(PushStep.RegisterAtGateway(PushEndpoint(endpoint, keys)), PushStep.Sync)
    }

    /** Push stops: the gateway forgets the endpoint, the user is told. */
    private fun ended(why: String): Pair<PushState, List<PushStep>> =
        PushState() to listOf(PushStep.UnregisterAtGateway, PushStep.Degraded(why))

    private fun release(state: PushState): List<PushStep> {
        val (distributor, token) = state.distributor to state.token
        return if (distributor != null && token != null) listOf(PushStep.ReleaseDistributor(distributor, token)) else emptyList()
    }

    /** [then] with the picked distributor if [token] is the current registration's; else nothing happens. */
    private fun ifOurs(
        state: PushState,
        token: String,
        then: (distributor: String) -> Pair<PushState, List<PushStep>>,
    ): Pair<PushState, List<PushStep>> {
        val distributor = state.distributor
        return if (distributor != null && state.token == token) then(distributor) else state to emptyList()
    }
}
