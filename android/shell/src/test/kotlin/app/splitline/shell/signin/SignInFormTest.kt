package app.splitline.shell.signin

import java.io.File
import kotlinx.coroutines.runBlocking
import org.junit.Assert.assertEquals
import org.junit.Assert.assertTrue
import org.junit.Test

class SignInFormTest {
    private val good = SignInForm("https://gateway.example.net", "alice@example.net", "secret")

    @Test
    fun aCompleteFormHasNoProblems() {
        assertEquals(emptyList<FormProblem>(), good.problems())
    }

    @Test
    fun plainHttpIsAcceptedOnlyForLoopback() {
        assertEquals(emptyList<FormProblem>(), good.copy(gatewayUrl = "http://127.0.0.1:8080").problems())
        assertEquals(emptyList<FormProblem>(), good.copy(gatewayUrl = "http://localhost:8080").problems())
        assertEquals(
            listOf(FormProblem.GATEWAY_URL_PLAIN_HTTP),
            good.copy(gatewayUrl = "http://gateway.example.net").problems(),
        )
    }

    @Test
    fun eachFieldReportsItsOwnProblem() {
        val problems = SignInForm(" ", "alice", "").problems()
        assertEquals(
            listOf(FormProblem.GATEWAY_URL_MISSING, FormProblem.ADDRESS_INVALID, FormProblem.PASSWORD_MISSING),
            problems,
        )
        assertEquals(listOf(FormProblem.GATEWAY_URL_INVALID), good.copy(gatewayUrl = "ftp://x").problems())
        assertEquals(listOf(FormProblem.ADDRESS_INVALID), good.copy(address = "a@b@c").problems())
        assertEquals(listOf(FormProblem.ADDRESS_INVALID), good.copy(address = "al ice@example.net").problems())
    }

    @Test
    fun anInvalidFormFailsWithoutTouchingTheCore() {
        // No native library is loaded in this test: the form check comes first.
        val result = runBlocking { SignIn(File("unused"), "device", "test").signIn(good.copy(password = "")) }
        val error = result.exceptionOrNull()
        assertTrue(error is InvalidForm)
        assertEquals(listOf(FormProblem.PASSWORD_MISSING), (error as InvalidForm).problems)
    }
}
