// The acme front end: lists orders and places new ones through the orders API.
// window.ACME (from /config.js, written by serve.py) holds the API address.
const config = window.ACME || { ordersUrl: "http://127.0.0.1:18081", banner: "acme" };
document.getElementById("banner").textContent = config.banner;

async function refresh() {
  const response = await fetch(config.ordersUrl + "/orders");
  const rows = (await response.json()).map((o) =>
    `<tr><td>${o.id}</td><td>${o.item}</td><td>${o.amount}</td><td>${o.billed}</td><td>${o.fulfilled}</td></tr>`);
  document.querySelector("#orders tbody").innerHTML = rows.join("");
}

document.getElementById("order").addEventListener("submit", async (event) => {
  event.preventDefault();
  const form = new FormData(event.target);
  await fetch(config.ordersUrl + "/orders", {
    method: "POST",
    body: JSON.stringify({ item: form.get("item"), quantity: Number(form.get("quantity")), price: Number(form.get("price")) }),
  });
  refresh();
});

refresh();
setInterval(refresh, 3000);
