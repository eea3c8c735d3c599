package app.splitline.shell.calls

/** Where the user's call is, as the call screen shows it. */
sealed class CallState {
    /** No call. */
    data object Idle : CallState()

    /** The core is choosing a route for [request]. */
    data class Planning(val request: CallRequest) : CallState()

    /** The route, its cost and why are known: the user may place the call. */
    data class Planned(val request: CallRequest, val plan: CallPlan) : CallState()

    /** The gateway (or the platform's SIP stack) is setting the call up. */
    data class Placing(val request: CallRequest, val plan: CallPlan) : CallState()

    /** A reserved call-through: the phone dials [dial] now. */
    data class DiallingAccessNumber(val plan: CallPlan, val callId: String, val dial: DialString) : CallState()

    /** A callback: the gateway rings the mobile from [callbackFrom]; answering it connects the call. */
    data class WaitingForCallback(val plan: CallPlan, val callId: String, val callbackFrom: String) : CallState()

    /** The callee is being called, or their phone rings. */
    data class Ringing(val plan: CallPlan, val callId: String) : CallState()

    /** Talking; [callId] is null for a call over the platform's SIP stack (the gateway is not in it). */
    data class InCall(val plan: CallPlan, val callId: String?) : CallState()

    /** Over: [reason], and [detail] in plain words when the app could not set it up. */
    data class Ended(val reason: EndReason, val detail: String? = null) : CallState()
}

/** What moves a call on: the user, the core's answers, the core's updates. */
sealed class CallInput {
    /** The user asks to call. */
    data class Start(val request: CallRequest) : CallInput()

    /** The core planned the call. */
    data class PlanReady(val plan: CallPlan) : CallInput()

    /** The user places the planned call. */
    data object Place : CallInput()

    /** The gateway is placing the call. */
    data class Placed(val placed: PlacedCall) : CallInput()

    /** The platform's SIP stack placed the call. */
    data object PlacedOverSip : CallInput()

    /** The core's update of a call (ignored unless it is this call's). */
    data class Progress(val update: CallEvent.Progress) : CallInput()

    /** The core or the phone refused a step; [detail] in plain words. */
    data class Failed(val detail: String) : CallInput()

    /** The user hangs up, or cancels before the call is set up. */
    data object HangUp : CallInput()

    /** The user leaves the ended call's screen. */
    data object Reset : CallInput()
}

/** What the app does for a transition: ask the core, dial, or hang up. */
sealed class CallEffect {
    /** Ask the core for a plan. */
    data class PlanCall(val request: CallRequest) : CallEffect()

    /** Have the gateway place the call. */
    data class PlaceThroughGateway(val request: CallRequest) : CallEffect()

    /** Place the call with the platform's SIP stack, to [target]. */
    data class PlaceOverSip(val target: String) : CallEffect()

    /** Dial the access number now (`TelecomManager.placeCall`). */
    data class Dial(val dial: DialString) : CallEffect()

    /** Tell the gateway the call [callId] is over. */
    data class HangUpAtGateway(val callId: String) : CallEffect()

    /** End the call on the platform's SIP stack. */
    data object EndSipCall : CallEffect()
}

/** A transition's result: the new state and what to do, if anything. */
data class Transition(val state: CallState, val effect: CallEffect? = null)

/**
 * The call flow, as a pure function: [state] after [input], and the effect
 * the app runs. An input that does not apply to [state] leaves it as it is.
 */
fun step(state: CallState, input: CallInput): Transition =
    when (input) {
        is CallInput.Start ->
            if (state is CallState.Idle || state is CallState.Ended) {
                Transition(CallState.Planning(input.request), CallEffect.PlanCall(input.request))
            } else {
                Transition(state)
            }
        is CallInput.PlanReady ->
            if (state is CallState.Planning) Transition(CallState.Planned(state.request, input.plan)) else Transition(state)
        CallInput.Place ->
            if (state is CallState.Planned) {
                val effect = if (state.plan.route == Route.PLATFORM_SIP) {
                    CallEffect.PlaceOverSip(state.plan.target)
                } else {
                    CallEffect.PlaceThroughGateway(state.request)
                }
                Transition(CallState.Placing(state.request, state.plan), effect)
            } else {
                Transition(state)
            }
        is CallInput.Placed -> placed(state, input.placed)
        CallInput.PlacedOverSip ->
            if (state is CallState.Placing && state.plan.route == Route.PLATFORM_SIP) {
                Transition(CallState.InCall(state.plan, null))
            } else {
                Transition(state)
            }
        is CallInput.Progress -> progress(state, input.update)
        is CallInput.Failed ->
            if (state.isActive()) {
                // A call the gateway holds is called off there too.
                Transition(CallState.Ended(EndReason.SETUP_FAILED, input.detail), state.callId()?.let { CallEffect.HangUpAtGateway(it) })
            } else {
                Transition(state)
            }
        CallInput.HangUp -> hangUp(state)
        CallInput.Reset -> if (state is CallState.Ended) Transition(CallState.Idle) else Transition(state)
    }

/** The call in [CallState.WaitingForCallback], if that is where the flow is: the screening service answers it. */
fun CallState.pendingCallbackFrom(): String? = (this as? CallState.WaitingForCallback)?.callbackFrom

/** Whether a call is under way (being planned, placed, rung back or talked on). */
fun CallState.isActive(): Boolean = this !is CallState.Idle && this !is CallState.Ended

private fun CallState.callId(): String? =
    when (this) {
        is CallState.DiallingAccessNumber -> callId
        is CallState.WaitingForCallback -> callId
        is CallState.Ringing -> callId
        is CallState.InCall -> callId
        else -> null
    }

/** The plan of the call in this state (planned onwards), or null. */
val CallState.plan: CallPlan?
    get() = when (this) {
        is CallState.Planned -> plan
        is CallState.Placing -> plan
        is CallState.DiallingAccessNumber -> plan
        is CallState.WaitingForCallback -> plan
        is CallState.Ringing -> plan
        is CallState.InCall -> plan
        else -> null
    }

private fun placed(state: CallState, placed: PlacedCall): Transition =
    when {
        state is CallState.Placing -> {
            val dial = placed.dial
            if (dial != null) {
                val dialString = DialString.of(dial)
                Transition(CallState.DiallingAccessNumber(state.plan, placed.callId, dialString), CallEffect.Dial(dialString))
            } else {
                Transition(CallState.WaitingForCallback(state.plan, placed.callId, placed.callbackFrom))
            }
        }
        // Hung up while the gateway was still placing it: call it off there too.
        state is CallState.Ended -> Transition(state, CallEffect.HangUpAtGateway(placed.callId))
        else -> Transition(state)
    }

private fun progress(state: CallState, update: CallEvent.Progress): Transition {
    val callId = state.callId()
    val plan = state.plan
    if (callId == null || plan == null || update.callId != callId) return Transition(state)
    return when (update.phase) {
        // Where the flow already is once the gateway placed the call.
        CallPhase.AWAITING_DIAL, CallPhase.CALLING_YOU -> Transition(state)
        CallPhase.CONNECTING, CallPhase.RINGING -> Transition(CallState.Ringing(plan, callId))
        CallPhase.ANSWERED -> Transition(CallState.InCall(plan, callId))
        CallPhase.ENDED -> Transition(CallState.Ended(update.end ?: EndReason.FAILED))
    }
}

private fun hangUp(state: CallState): Transition {
    if (!state.isActive()) return Transition(state)
    val callId = state.callId()
    return when {
        callId != null -> Transition(CallState.Ended(EndReason.YOU_HUNG_UP), CallEffect.HangUpAtGateway(callId))
        state is CallState.InCall -> Transition(CallState.Ended(EndReason.YOU_HUNG_UP), CallEffect.EndSipCall)
        else -> Transition(CallState.Ended(EndReason.CANCELLED))
    }
}
