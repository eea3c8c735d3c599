package app.splitline.shell.calls

import app.splitline.shell.core.CoreError

/** Why a call step failed, in plain words for the call screen. */
fun callFailure(error: Throwable): String =
    when (error) {
        is CoreError.CallNotPossible -> "This call can't be placed now: ${error.message}"
        is CoreError.Unreachable -> "Not connected to the network; calls need it. Try again when you are online."
        is CoreError.NotFound -> "Your network does not place calls through Splitline."
        is CoreError.Forbidden -> "Your network does not allow this call."
        is CoreError.Invalid -> "That number or address can't be called: ${error.message}"
        is CoreError.RateLimited -> "Too many calls at once; try again in a moment."
        is CoreError.Refused -> "The network refused your password; sign in again."
        else -> "The call could not be set up (${error.message})."
    }
