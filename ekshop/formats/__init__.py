"""The files made from listings, one module per format: ekShop's bulk-upload XLSX and Google Merchant's RSS
and delimited-text product feeds."""
