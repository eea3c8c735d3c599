package app.splitline.shell.core

import app.splitline.shell.signin.SignInForm
import org.junit.Assert.assertEquals
import org.junit.Assert.assertFalse
import org.junit.Assert.assertTrue
import org.junit.Test
import uniffi.splitline_bindings.SplitlineException

class CoreErrorTest {
    private fun mapped(e: Throwable): Throwable? = coreResult<Unit> { throw e }.exceptionOrNull()

    @Test
    fun aRateLimitKeepsItsRetryAfterAndCode() {
        val error = mapped(SplitlineException.RateLimited("slow down", "rate_limited", 30uL))
        assertTrue(error is CoreError.RateLimited)
        assertEquals(30uL, (error as CoreError.RateLimited).retryAfterSecs)
        assertEquals("rate_limited", error.code)
    }

    @Test
    fun eachCoreErrorIsItsOwn() {
        assertTrue(mapped(SplitlineException.AuthFailed("no", "auth_failed", null)) is CoreError.Refused)
        assertTrue(mapped(SplitlineException.Offline("away", null, null)) is CoreError.Unreachable)
        assertTrue(mapped(SplitlineException.NotFound("gone", "not_found", null)) is CoreError.NotFound)
        assertTrue(mapped(SplitlineException.CallNotPossible("no route", null, null)) is CoreError.CallNotPossible)
    }

    @Test
    fun aMissingLibraryIsCoreMissingAndOtherBugsAreThrown() {
        assertTrue(mapped(UnsatisfiedLinkError("no libsplitline_bindings")) is CoreError.CoreMissing)
        val thrown = runCatching { mapped(IllegalStateException("a Kotlin bug")) }.exceptionOrNull()
        assertTrue(thrown is IllegalStateException)
    }

    @Test
    fun theFormsToStringShowsNoPassword() {
        val form = SignInForm("https://gateway.example.net", "alice@example.net", "hunter2-secret")
        assertFalse(form.toString().contains("hunter2-secret"))
        assertTrue(form.toString().contains("alice@example.net"))
    }
}
