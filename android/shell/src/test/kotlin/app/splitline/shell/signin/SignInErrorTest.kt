package app.splitline.shell.signin

import org.junit.Assert.assertEquals
import org.junit.Assert.assertFalse
import org.junit.Assert.assertTrue
import org.junit.Test
import uniffi.splitline_bindings.SplitlineException

class SignInErrorTest {
    private fun mapped(e: SplitlineException): Throwable? = runCatchingCore<Unit> { throw e }.exceptionOrNull()

    @Test
    fun aRateLimitKeepsItsRetryAfter() {
        val error = mapped(SplitlineException.RateLimited("slow down", "rate_limited", 30uL))
        assertTrue(error is SignInError.RateLimited)
        assertEquals(30uL, (error as SignInError.RateLimited).retryAfterSecs)
    }

    @Test
    fun refusedAndOfflineAreTheirOwnErrors() {
        assertTrue(mapped(SplitlineException.AuthFailed("no", "auth_failed", null)) is SignInError.Refused)
        assertTrue(mapped(SplitlineException.Offline("away", null, null)) is SignInError.Unreachable)
        assertTrue(mapped(SplitlineException.NotFound("gone", "not_found", null)) is SignInError.Failed)
    }

    @Test
    fun theFormsToStringShowsNoPassword() {
        val form = SignInForm("https://gateway.example.net", "alice@example.net", "hunter2-secret")
        assertFalse(form.toString().contains("hunter2-secret"))
        assertTrue(form.toString().contains("alice@example.net"))
    }
}
