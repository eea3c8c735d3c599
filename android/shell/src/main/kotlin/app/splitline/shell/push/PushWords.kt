package app.splitline.shell.push

/** What the push settings say of [state] with the [installed] distributors. */
fun describePush(state: PushState, installed: List<String>): String =
    when {
        installed.isEmpty() && state.distributor == null ->
            "No UnifiedPush distributor is installed. Install one (such as ntfy) to hear of messages while " +
                "the app is closed; until then the app syncs while it is open or has work waiting."
        state.distributor == null -> "Push is off: the app syncs while it is open or has work waiting."
        state.registered -> "Push is on through ${state.distributor}."
        state.endpoint != null -> "${state.distributor} is ready; the gateway is told once it can be reached."
        else -> "Waiting for ${state.distributor} to register the app."
    }
