package app.splitline.shell.calls

import kotlinx.coroutines.CoroutineScope
import kotlinx.coroutines.Job
import kotlinx.coroutines.delay
import kotlinx.coroutines.flow.MutableStateFlow
import kotlinx.coroutines.flow.StateFlow
import kotlinx.coroutines.flow.asStateFlow
import kotlinx.coroutines.flow.retryWhen
import kotlinx.coroutines.launch

/** The phone's part of a call, which the app implements over the platform. */
interface CallPhone {
    /** Dials [dial] (a call-through's access number) with the phone's own calling. */
    fun dial(dial: DialString): Result<Unit>

    /** Places a call to [target] with the platform's SIP stack. */
    fun placeOverSip(target: String): Result<Unit>

    /** Ends the call on the platform's SIP stack. */
    fun endSipCall()
}

/**
 * Runs the call flow ([step]): feeds it the user's inputs and the core's
 * updates, and runs its effects on [service] and [phone] in [scope]. One
 * call at a time; [state] is what the call screen shows. [initial] is where
 * it starts: idle, or a call a restarted process already knows of.
 */
class CallDriver(
    private val service: CallService,
    private val phone: CallPhone,
    private val scope: CoroutineScope,
    initial: CallState = CallState.Idle,
) {
    private val current = MutableStateFlow(initial)

    /** The call now. */
    val state: StateFlow<CallState> = current.asStateFlow()

    /** Feeds [input] to the flow and runs its effect. */
    fun send(input: CallInput) {
        val effect = synchronized(current) {
            val transition = step(current.value, input)
            current.value = transition.state
            transition.effect
        }
        effect?.let(::run)
    }

    /**
     * Hears the core's call updates until the returned job is cancelled.
     * Before the first sign-in the core cannot subscribe: it tries again
     * every few seconds, and a call in progress is not ended by that.
     */
    fun listen(): Job =
        scope.launch {
            service.events
                .retryWhen { _, _ ->
                    delay(RESUBSCRIBE_MS)
                    true
                }
                .collect { if (it is CallEvent.Progress) send(CallInput.Progress(it)) }
        }

    private fun run(effect: CallEffect) {
        when (effect) {
            is CallEffect.PlanCall -> scope.launch { answer(service.plan(effect.request)) { CallInput.PlanReady(it) } }
            is CallEffect.PlaceThroughGateway -> scope.launch { answer(service.place(effect.request)) { CallInput.Placed(it) } }
            is CallEffect.PlaceOverSip -> answer(phone.placeOverSip(effect.target)) { CallInput.PlacedOverSip }
            is CallEffect.Dial -> phone.dial(effect.dial).onFailure { send(CallInput.Failed(it.message ?: "The phone could not dial.")) }
            // A failed hang-up is ended by the gateway's own timeout; the screen has already ended the call.
            is CallEffect.HangUpAtGateway -> scope.launch { service.hangUp(effect.callId) }
            CallEffect.EndSipCall -> phone.endSipCall()
        }
    }

    private companion object {
        const val RESUBSCRIBE_MS = 3_000L
    }

    private fun <T> answer(result: Result<T>, input: (T) -> CallInput) {
        result.fold({ send(input(it)) }, { send(CallInput.Failed(callFailure(it))) })
    }
}
