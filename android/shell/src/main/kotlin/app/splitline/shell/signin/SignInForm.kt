package app.splitline.shell.signin

import java.net.URI

/** What the first-run form holds. Its `toString` leaves the password out. */
data class SignInForm(val gatewayUrl: String, val address: String, val password: String) {
    override fun toString(): String = "SignInForm(gatewayUrl=$gatewayUrl, address=$address, password=[redacted])"
}

/** A field the user must correct, with what to do about it. */
enum class FormProblem(val field: Field, val advice: String) {
    GATEWAY_URL_MISSING(Field.GATEWAY_URL, "Enter the gateway's address, for example https://gateway.example.net"),
    GATEWAY_URL_INVALID(Field.GATEWAY_URL, "The gateway address must start with https://"),
    GATEWAY_URL_PLAIN_HTTP(Field.GATEWAY_URL, "Use https:// (plain http only reaches a gateway on this device)"),
    ADDRESS_INVALID(Field.ADDRESS, "Enter your network address as name@domain"),
    PASSWORD_MISSING(Field.PASSWORD, "Enter your password"),
    ;

    enum class Field { GATEWAY_URL, ADDRESS, PASSWORD }
}

private val LOOPBACK_HOSTS = setOf("localhost", "127.0.0.1", "[::1]", "::1")

/** The form's problems, at most one per field; empty when it can be sent. */
fun SignInForm.problems(): List<FormProblem> {
    val found = mutableListOf<FormProblem>()
    gatewayProblem(gatewayUrl.trim())?.let(found::add)
    if (!isAddress(address.trim())) found += FormProblem.ADDRESS_INVALID
    if (password.isEmpty()) found += FormProblem.PASSWORD_MISSING
    return found
}

private fun gatewayProblem(url: String): FormProblem? {
    if (url.isEmpty()) return FormProblem.GATEWAY_URL_MISSING
    val uri = runCatching { URI(url) }.getOrNull() ?: return FormProblem.GATEWAY_URL_INVALID
    val host = uri.host ?: return FormProblem.GATEWAY_URL_INVALID
    return when (uri.scheme?.lowercase()) {
        "https" -> null
        "http" -> if (host.lowercase() in LOOPBACK_HOSTS) null else FormProblem.GATEWAY_URL_PLAIN_HTTP
        else -> FormProblem.GATEWAY_URL_INVALID
    }
}

private fun isAddress(address: String): Boolean {
    val parts = address.split('@')
    return parts.size == 2 && parts.all { it.isNotEmpty() } && address.none { it.isWhitespace() || it == '/' }
}
